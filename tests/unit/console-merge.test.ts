// The console's merge operations (client/lib/merge.ts) on a real plenary document: which cards
// make an item and name it, what an addition skips, an accepted suggestion, splits and removals,
// each offering its undo and calling back to show the item or keep the keyboard near it.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addItem,
  addSources,
  itemsMap,
  readItems,
  removeItem,
  removeSource,
  type PlenaryItem,
  type Recommendation,
} from '../../shared/doc.js';
import {
  bestVoted,
  createMergeActions,
  refsToAdd,
  type MergeBoard,
  type MergeWords,
} from '../../client/lib/merge.js';
import type { Reversible } from '../../client/lib/undo.svelte.js';

/** The merged board as the console's editor works it: one undo manager per action. */
function board(doc: Y.Doc): MergeBoard {
  let serial = 0;
  const undoable = <T>(run: () => T): { result: T; undo: Reversible } => {
    const origin = { action: serial++ };
    const manager = new Y.UndoManager(itemsMap(doc), {
      trackedOrigins: new Set([origin]),
      captureTimeout: 0,
    });
    let result!: T;
    doc.transact(() => (result = run()), origin);
    return { result, undo: { undo: () => manager.undo(), dispose: () => manager.destroy() } };
  };
  return {
    merge(sources, text) {
      const itemId = `i${serial}`;
      const { undo } = undoable(() =>
        addItem(doc, { id: itemId, ...text, sources, createdAt: serial }),
      );
      return { itemId, undo };
    },
    addTo: (itemId, refs) => undoable(() => addSources(doc, itemId, refs)).undo,
    split(itemId, ref) {
      const { result, undo } = undoable(() => removeSource(doc, itemId, ref));
      return { remains: result, undo };
    },
    removeItem: (itemId) => undoable(() => removeItem(doc, itemId)).undo,
  };
}

const words: MergeWords = {
  merged: (n) => `merged ${n}`,
  promoted: () => 'promoted',
  added: (n, title) => `added ${n} to ${title}`,
  split: (title) => `split ${title}`,
  splitLast: (title) => `split last of ${title}`,
  removed: (title) => `removed ${title}`,
  untitled: () => '(untitled)',
  sourceGone: () => '(withdrawn)',
};

const rec = (id: string, title: string): Recommendation =>
  ({ id, title, body: `${title}, in detail`, createdAt: 1 }) as Recommendation;

function setting(options: { readonly?: boolean; votes?: Record<string, number> } = {}) {
  const doc = new Y.Doc();
  const recs = new Map([
    ['gA/a1', rec('a1', 'Cartographier les risques')],
    ['gB/b1', rec('b1', 'Recenser les risques')],
    ['gC/c1', rec('c1', 'Former les élus')],
  ]);
  const offers: { message: string; undo: Reversible }[] = [];
  const shown: [string, boolean][] = [];
  const kept: string[] = [];
  const actions = createMergeActions({
    board: board(doc),
    offer: (message, undo) => offers.push({ message, undo }),
    items: () => readItems(doc),
    recOf: (ref) => recs.get(ref),
    votesOf: (ref) => options.votes?.[ref] ?? 0,
    readonly: () => options.readonly ?? false,
    words,
    show: (itemId, focus) => shown.push([itemId, focus]),
    keepFocus: (itemId) => kept.push(itemId),
  });
  const items = () => readItems(doc);
  return { doc, actions, offers, shown, kept, items };
}

describe('the console’s merge operations', () => {
  it('merges picked cards into one item titled after the first picked, shows it with the caret in its title, and undoes it', () => {
    const { actions, offers, shown, items } = setting();
    const itemId = actions.mergeCards(['gB/b1', 'gA/a1', 'gC/c1']);
    expect(itemId).not.toBeNull();
    expect(items()).toHaveLength(1);
    expect(items()[0]).toMatchObject({
      title: 'Recenser les risques',
      body: 'Recenser les risques, in detail',
      sources: ['gB/b1', 'gA/a1', 'gC/c1'],
    });
    expect(offers.map((o) => o.message)).toEqual(['merged 3']);
    expect(shown).toEqual([[itemId, true]]);
    offers[0]!.undo.undo();
    expect(items()).toHaveLength(0);
  });

  it('carries one card over as a promotion, and does nothing with no card or once closed', () => {
    const { actions, offers } = setting();
    actions.mergeCards(['gC/c1']);
    expect(offers.map((o) => o.message)).toEqual(['promoted']);
    expect(actions.mergeCards([])).toBeNull();
    const closed = setting({ readonly: true });
    expect(closed.actions.mergeCards(['gA/a1', 'gB/b1'])).toBeNull();
    expect(closed.items()).toHaveLength(0);
  });

  it('adds to an item only the cards not in it yet, and nothing when all are', () => {
    const { actions, offers, shown, items } = setting();
    const itemId = actions.mergeCards(['gA/a1', 'gB/b1'])!;
    expect(actions.addCards(itemId, ['gB/b1', 'gC/c1'])).toBe(true);
    expect(items()[0]!.sources).toEqual(['gA/a1', 'gB/b1', 'gC/c1']);
    expect(offers.at(-1)!.message).toBe('added 1 to Cartographier les risques');
    expect(shown.at(-1)).toEqual([itemId, false]);
    expect(actions.addCards(itemId, ['gA/a1'])).toBe(false);
    expect(actions.addCards('nowhere', ['gA/a1'])).toBe(false);
    offers.at(-1)!.undo.undo();
    expect(items()[0]!.sources).toEqual(['gA/a1', 'gB/b1']);
  });

  it('accepts a suggestion as a new item named after its best-voted card, without moving the view', () => {
    const { actions, shown, items } = setting({ votes: { 'gC/c1': 4, 'gA/a1': 1 } });
    actions.acceptSuggestion(['gA/a1', 'gC/c1'], null);
    expect(items()[0]).toMatchObject({ title: 'Former les élus', sources: ['gA/a1', 'gC/c1'] });
    expect(shown).toEqual([]);
  });

  it('accepts a suggestion into the item that already holds some of its cards', () => {
    const { actions, items, offers } = setting();
    const itemId = actions.mergeCards(['gA/a1'])!;
    expect(actions.acceptSuggestion(['gA/a1', 'gB/b1'], itemId)).toBe(itemId);
    expect(items()).toHaveLength(1);
    expect(items()[0]!.sources).toEqual(['gA/a1', 'gB/b1']);
    expect(offers.at(-1)!.message).toBe('added 1 to Cartographier les risques');
  });

  it('splits a source out (the last one takes the item), and removes an item, keeping the keyboard near', () => {
    const { actions, offers, kept, items } = setting();
    const itemId = actions.mergeCards(['gA/a1', 'gB/b1'])!;
    const item = () => items().find((i) => i.id === itemId) as PlenaryItem;
    actions.split(item(), 'gB/b1');
    expect(offers.at(-1)!.message).toBe('split Recenser les risques');
    actions.split(item(), 'gA/a1');
    expect(offers.at(-1)!.message).toBe('split last of Cartographier les risques');
    expect(items()).toHaveLength(0);
    offers.at(-1)!.undo.undo();
    actions.remove(item());
    expect(offers.at(-1)!.message).toBe('removed Cartographier les risques');
    expect(kept).toEqual([itemId, itemId, itemId]);
    expect(items()).toHaveLength(0);
  });

  it('plans additions and names by votes, the first on a tie', () => {
    const item = { sources: ['gA/a1'] } as PlenaryItem;
    expect(refsToAdd(item, ['gA/a1', 'gB/b1', 'gC/c1'])).toEqual(['gB/b1', 'gC/c1']);
    const votes: Record<string, number> = { x: 2, y: 5, z: 5 };
    expect(bestVoted(['x', 'y', 'z'], (r) => votes[r] ?? 0)).toBe('y');
    expect(bestVoted(['x', 'w'], () => 0)).toBe('x');
    expect(bestVoted([], () => 0)).toBeUndefined();
  });
});
