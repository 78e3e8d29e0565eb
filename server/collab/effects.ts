// The schema's limits on what an update may leave in a document (titles, bodies, author ids,
// sources, the number of entries), checked after a connection's update is applied and before it
// is stored: whatever goes past a limit is cut back in a correcting transaction that is stored
// and sent with it, so every replica converges on a document within the limits. The numbers are
// those of shared/limits.ts, the same the export and snapshot schemas read.
/* eslint-disable @typescript-eslint/no-explicit-any -- Yjs types its shared types as AbstractType<any> */
import * as Y from 'yjs';
import { ITEMS, RECOMMENDATIONS } from '../../shared/doc.js';
import { LIMITS } from '../../shared/limits.js';

/** Length limits of an entry's fields, by key; a Y.Text or a string. */
const TEXT_LIMITS: Record<string, number> = {
  title: LIMITS.recommendationTitle,
  body: LIMITS.recommendationBody,
  authorId: LIMITS.entryId,
};

/** The top-level maps of the contract's documents, whose values are entries (Y.Map). */
const ENTRY_MAPS = new Set([RECOMMENDATIONS, ITEMS]);

type Changed = Map<Y.AbstractType<any>, Set<string | null>>;

/**
 * Finds what the changed types of a transaction put past the limits; returns the corrections to
 * apply (in one transaction), or an empty list when the document is within them.
 */
export function findOverLimits(doc: Y.Doc, changed: Changed): (() => void)[] {
  const fixes: (() => void)[] = [];
  for (const [type, keys] of changed) {
    if (type instanceof Y.Map && isEntryMap(doc, type)) checkEntryMap(type, keys, fixes);
    else if (type instanceof Y.Map && isEntry(doc, type)) checkEntry(type, keys, fixes);
    else if (type instanceof Y.Text) checkText(doc, type, fixes);
    else if (type instanceof Y.Array) checkSources(doc, type, fixes);
  }
  return fixes;
}

function isEntryMap(doc: Y.Doc, map: Y.AbstractType<any>): boolean {
  if (map._item !== null) return false;
  for (const name of ENTRY_MAPS) if (doc.share.get(name) === map) return true;
  return false;
}

/** An entry: a Y.Map held directly by one of the top-level entry maps. */
function isEntry(doc: Y.Doc, type: Y.AbstractType<any>): boolean {
  const parent = type._item?.parent;
  return parent instanceof Y.Map && isEntryMap(doc, parent);
}

/** The entry and key a nested type sits under, if it sits directly in an entry. */
function fieldOf(doc: Y.Doc, type: Y.AbstractType<any>): string | null {
  const item = type._item;
  if (!item || typeof item.parentSub !== 'string') return null;
  const parent = item.parent;
  return parent instanceof Y.Map && isEntry(doc, parent) ? item.parentSub : null;
}

function checkEntryMap(map: Y.Map<unknown>, keys: Set<string | null>, fixes: (() => void)[]): void {
  let excess = map.size - LIMITS.entriesPerDocument;
  for (const key of keys) {
    if (key === null || !map.has(key)) continue;
    const entry = map.get(key);
    const bad = key.length > LIMITS.entryId || !(entry instanceof Y.Map);
    if (bad || excess > 0) {
      if (!bad) excess--;
      fixes.push(() => map.delete(key));
    } else {
      // A new entry: Yjs does not list types created in the same transaction as changed.
      checkEntry(entry, new Set(entry.keys()), fixes);
    }
  }
}

function checkEntry(entry: Y.Map<unknown>, keys: Set<string | null>, fixes: (() => void)[]): void {
  for (const key of keys) {
    if (key === null || !entry.has(key)) continue;
    const value = entry.get(key);
    const limit = TEXT_LIMITS[key];
    if (limit !== undefined) {
      if (typeof value === 'string') {
        if (value.length > limit) fixes.push(() => entry.set(key, value.slice(0, limit)));
      } else if (value instanceof Y.Text && key !== 'authorId') {
        cutText(value, limit, fixes);
      } else {
        fixes.push(() => entry.delete(key));
      }
    } else if (key === 'sources') {
      if (value instanceof Y.Array) cutSources(value, fixes);
      else fixes.push(() => entry.delete(key));
    } else if (key === 'createdAt' && typeof value !== 'number') {
      fixes.push(() => entry.delete(key));
    }
  }
}

function cutText(text: Y.Text, limit: number, fixes: (() => void)[]): void {
  if (text.length > limit) fixes.push(() => text.delete(limit, text.length - limit));
}

function checkText(doc: Y.Doc, text: Y.Text, fixes: (() => void)[]): void {
  const field = fieldOf(doc, text);
  const limit = field === null ? undefined : TEXT_LIMITS[field];
  if (limit !== undefined) cutText(text, limit, fixes);
}

function checkSources(doc: Y.Doc, sources: Y.Array<unknown>, fixes: (() => void)[]): void {
  if (fieldOf(doc, sources) === 'sources') cutSources(sources, fixes);
}

function cutSources(sources: Y.Array<unknown>, fixes: (() => void)[]): void {
  const values = sources.toArray();
  // From the end, so that earlier indexes stay right while deleting.
  for (let i = values.length - 1; i >= 0; i--) {
    const value = values[i];
    const bad = typeof value !== 'string' || value.length > LIMITS.sourceId;
    if (bad || i >= LIMITS.sourcesPerItem) fixes.push(() => sources.delete(i, 1));
  }
}
