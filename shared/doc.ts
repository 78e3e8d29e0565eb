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
  /**
   * Extension (rounds, issue 17): the `<groupId>/<recommendationId>` of the cards of an earlier
   * tier this card grew from (a pair's card from its two members' cards); absent for a card
   * written where it stands.
   */
  sources?: string[];
}

export interface PlenaryItem {
  id: string;
  title: string;
  body: string;
  /** `<groupId>/<recommendationId>` of each recommendation merged into this item. */
  sources: string[];
  createdAt: number;
  /** Extension: the room's scores on the 2×2 matrix, 1..5, or null when not scored. */
  impact: number | null;
  feasibility: number | null;
}

export function recommendationsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(RECOMMENDATIONS);
}

export function itemsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(ITEMS);
}

function stringsOf(value: unknown): string[] {
  return value instanceof Y.Array ? value.toArray().filter((s) => typeof s === 'string') : [];
}

function textOf(value: unknown): string {
  return value instanceof Y.Text ? value.toString() : typeof value === 'string' ? value : '';
}

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** A score on the 1..5 scale, or null for anything else. */
function scoreOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5
    ? value
    : null;
}

export function readRecommendation(id: string, entry: unknown): Recommendation | null {
  if (!(entry instanceof Y.Map)) return null;
  const sources = stringsOf(entry.get('sources'));
  return {
    id,
    title: textOf(entry.get('title')),
    body: textOf(entry.get('body')),
    authorId: typeof entry.get('authorId') === 'string' ? (entry.get('authorId') as string) : '',
    createdAt: numberOf(entry.get('createdAt')),
    ...(sources.length > 0 ? { sources } : {}),
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
  return {
    id,
    title: textOf(entry.get('title')),
    body: textOf(entry.get('body')),
    sources: stringsOf(entry.get('sources')),
    createdAt: numberOf(entry.get('createdAt')),
    impact: scoreOf(entry.get('impact')),
    feasibility: scoreOf(entry.get('feasibility')),
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
  rec: {
    id: string;
    title: string;
    body: string;
    authorId: string;
    createdAt: number;
    sources?: readonly string[];
  },
): Y.Map<unknown> {
  const entry = new Y.Map<unknown>();
  doc.transact(() => {
    recommendationsMap(doc).set(rec.id, entry);
    entry.set('title', new Y.Text(rec.title));
    entry.set('body', new Y.Text(rec.body));
    entry.set('authorId', rec.authorId);
    entry.set('createdAt', rec.createdAt);
    // Only a card that grew from earlier ones carries the field: the contract's schema is unchanged.
    if (rec.sources && rec.sources.length > 0) {
      const sources = new Y.Array<string>();
      sources.push([...rec.sources]);
      entry.set('sources', sources);
    }
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

/** The Y.Array of an item's sources, or null when the entry is malformed. */
function sourcesOf(entry: Y.Map<unknown>): Y.Array<string> | null {
  const value = entry.get('sources');
  return value instanceof Y.Array ? (value as Y.Array<string>) : null;
}

/** Adds recommendations to an existing item (merge into), skipping those already there. */
export function addSources(doc: Y.Doc, itemId: string, refs: string[]): void {
  const entry = itemsMap(doc).get(itemId);
  if (!(entry instanceof Y.Map)) return;
  doc.transact(() => {
    const sources = sourcesOf(entry);
    if (!sources) return;
    const present = new Set(sources.toArray());
    const fresh = refs.filter((ref) => !present.has(ref));
    if (fresh.length > 0) sources.push(fresh);
  });
}

/**
 * Split back: takes one source out of an item. The item goes when its last source goes, so
 * nothing merged is ever orphaned; returns whether the item still exists.
 */
export function removeSource(doc: Y.Doc, itemId: string, ref: string): boolean {
  const entry = itemsMap(doc).get(itemId);
  if (!(entry instanceof Y.Map)) return false;
  let remains = true;
  doc.transact(() => {
    const sources = sourcesOf(entry);
    if (!sources) return;
    const values = sources.toArray();
    for (let i = values.length - 1; i >= 0; i--) if (values[i] === ref) sources.delete(i, 1);
    if (sources.length === 0) {
      itemsMap(doc).delete(itemId);
      remains = false;
    }
  });
  return remains;
}

/** Sets (or clears, with null) an item's scores on the impact / feasibility matrix. */
export function setItemScores(
  doc: Y.Doc,
  itemId: string,
  scores: { impact?: number | null; feasibility?: number | null },
): void {
  const entry = itemsMap(doc).get(itemId);
  if (!(entry instanceof Y.Map)) return;
  doc.transact(() => {
    for (const key of ['impact', 'feasibility'] as const) {
      const value = scores[key];
      if (value === undefined) continue;
      if (value === null) entry.delete(key);
      else entry.set(key, Math.min(5, Math.max(1, Math.round(value))));
    }
  });
}

/**
 * Makes a Y.Text hold `value`, changing only the middle that differs (common prefix and suffix
 * kept), so that concurrent edits and remote carets elsewhere in the text survive.
 */
export function replaceText(text: Y.Text, value: string): void {
  const current = text.toString();
  if (current === value) return;
  let start = 0;
  const max = Math.min(current.length, value.length);
  while (start < max && current.charCodeAt(start) === value.charCodeAt(start)) start++;
  let end = 0;
  while (
    end < max - start &&
    current.charCodeAt(current.length - 1 - end) === value.charCodeAt(value.length - 1 - end)
  ) {
    end++;
  }
  const apply = () => {
    const removed = current.length - start - end;
    if (removed > 0) text.delete(start, removed);
    const inserted = value.slice(start, value.length - end);
    if (inserted.length > 0) text.insert(start, inserted);
  };
  if (text.doc) text.doc.transact(apply);
  else apply();
}

/** Sets a text field of an entry, creating the Y.Text when the entry lacks a well-formed one. */
export function setField(entry: Y.Map<unknown>, field: 'title' | 'body', value: string): void {
  const text = fieldText(entry, field);
  if (text) replaceText(text, value);
  else entry.set(field, new Y.Text(value));
}
