// The Yjs document schema of the contract, with typed accessors. Top-level names are declared
// here once and never renamed. Reads tolerate malformed entries (a third-party client may write
// anything): an entry without the expected shape is skipped, never thrown on.
import * as Y from 'yjs';

export const RECOMMENDATIONS = 'recommendations';
export const ITEMS = 'items';

export interface Recommendation {
  id: string;
  title: string;
  body: string;
  authorId: string;
  createdAt: number;
}

export interface PlenaryItem {
  id: string;
  title: string;
  body: string;
  /** `<groupId>/<recommendationId>` of each recommendation merged into this item. */
  sources: string[];
  createdAt: number;
}

export function recommendationsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(RECOMMENDATIONS);
}

export function itemsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(ITEMS);
}

function textOf(value: unknown): string {
  return value instanceof Y.Text ? value.toString() : typeof value === 'string' ? value : '';
}

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export function readRecommendation(id: string, entry: unknown): Recommendation | null {
  if (!(entry instanceof Y.Map)) return null;
  return {
    id,
    title: textOf(entry.get('title')),
    body: textOf(entry.get('body')),
    authorId: typeof entry.get('authorId') === 'string' ? (entry.get('authorId') as string) : '',
    createdAt: numberOf(entry.get('createdAt')),
  };
}

/** Every well-formed recommendation, oldest first (ties broken by id, so every replica agrees). */
export function readRecommendations(doc: Y.Doc): Recommendation[] {
  const out: Recommendation[] = [];
  recommendationsMap(doc).forEach((entry, id) => {
    const rec = readRecommendation(id, entry);
    if (rec) out.push(rec);
  });
  return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

export function readItem(id: string, entry: unknown): PlenaryItem | null {
  if (!(entry instanceof Y.Map)) return null;
  const sources = entry.get('sources');
  return {
    id,
    title: textOf(entry.get('title')),
    body: textOf(entry.get('body')),
    sources: sources instanceof Y.Array ? sources.toArray().filter((s) => typeof s === 'string') : [],
    createdAt: numberOf(entry.get('createdAt')),
  };
}

export function readItems(doc: Y.Doc): PlenaryItem[] {
  const out: PlenaryItem[] = [];
  itemsMap(doc).forEach((entry, id) => {
    const item = readItem(id, entry);
    if (item) out.push(item);
  });
  return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

/** Adds a recommendation in one transaction and returns its entry. */
export function addRecommendation(
  doc: Y.Doc,
  rec: { id: string; title: string; body: string; authorId: string; createdAt: number },
): Y.Map<unknown> {
  const entry = new Y.Map<unknown>();
  doc.transact(() => {
    recommendationsMap(doc).set(rec.id, entry);
    entry.set('title', new Y.Text(rec.title));
    entry.set('body', new Y.Text(rec.body));
    entry.set('authorId', rec.authorId);
    entry.set('createdAt', rec.createdAt);
  });
  return entry;
}

export function removeRecommendation(doc: Y.Doc, id: string): void {
  doc.transact(() => recommendationsMap(doc).delete(id));
}

export function addItem(
  doc: Y.Doc,
  item: { id: string; title: string; body: string; sources: string[]; createdAt: number },
): Y.Map<unknown> {
  const entry = new Y.Map<unknown>();
  doc.transact(() => {
    itemsMap(doc).set(item.id, entry);
    entry.set('title', new Y.Text(item.title));
    entry.set('body', new Y.Text(item.body));
    const sources = new Y.Array<string>();
    sources.push(item.sources);
    entry.set('sources', sources);
    entry.set('createdAt', item.createdAt);
  });
  return entry;
}

export function removeItem(doc: Y.Doc, id: string): void {
  doc.transact(() => itemsMap(doc).delete(id));
}

/** The Y.Text of a field, for binding an input to it; null when the entry is malformed. */
export function fieldText(entry: Y.Map<unknown>, field: 'title' | 'body'): Y.Text | null {
  const value = entry.get(field);
  return value instanceof Y.Text ? value : null;
}
