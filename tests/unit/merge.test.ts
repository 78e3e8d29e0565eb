// Merging on the plenary document (shared/doc.ts) and the board computations (shared/board.ts).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  itemGroups,
  mergedRefs,
  quadrantOf,
  rankItems,
  resolveSources,
  sourcesTotal,
} from '../../shared/board.js';
import {
  addItem,
  addSources,
  itemsMap,
  readItems,
  removeSource,
  replaceText,
  setItemScores,
} from '../../shared/doc.js';

function plenary() {
  const doc = new Y.Doc();
  addItem(doc, { id: 'i1', title: 'Eau', body: '', sources: ['gA/r1', 'gC/r7'], createdAt: 1 });
  return doc;
}

describe('merging recommendations into plenary items', () => {
  it('adding sources to an item keeps each source once', () => {
    const doc = plenary();
    addSources(doc, 'i1', ['gB/r2', 'gA/r1']);
    expect(readItems(doc)[0]!.sources).toEqual(['gA/r1', 'gC/r7', 'gB/r2']);
  });

  it('splitting back one source leaves the item with the others', () => {
    const doc = plenary();
    expect(removeSource(doc, 'i1', 'gA/r1')).toBe(true);
    expect(readItems(doc)[0]!.sources).toEqual(['gC/r7']);
  });

  it('splitting back the last source removes the item', () => {
    const doc = plenary();
    removeSource(doc, 'i1', 'gA/r1');
    expect(removeSource(doc, 'i1', 'gC/r7')).toBe(false);
    expect(readItems(doc)).toEqual([]);
  });

  it('scores are clamped to 1..5 and can be cleared', () => {
    const doc = plenary();
    setItemScores(doc, 'i1', { impact: 9, feasibility: 0 });
    expect(readItems(doc)[0]).toMatchObject({ impact: 5, feasibility: 1 });
    setItemScores(doc, 'i1', { impact: null });
    expect(readItems(doc)[0]).toMatchObject({ impact: null, feasibility: 1 });
  });

  it('a malformed score reads as not scored', () => {
    const doc = plenary();
    (itemsMap(doc).get('i1') as Y.Map<unknown>).set('impact', 'high');
    expect(readItems(doc)[0]!.impact).toBeNull();
  });

  it('replacing a text changes only the middle, so a concurrent edit elsewhere survives', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const ta = a.getText('t');
    ta.insert(0, 'Cartographier la ressource en eau');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    replaceText(ta, 'Cartographier la ressource en eau potable');
    b.getText('t').insert(0, '» ');
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(ta.toString()).toBe('» Cartographier la ressource en eau potable');
    expect(b.getText('t').toString()).toBe(ta.toString());
  });
});

describe('board computations', () => {
  const tallies = { 'gA/r1': 4, 'gC/r7': 3, 'gB/r2': 1, 'plenary/i2': 6, 'plenary/i1': 2 };
  const items = [
    {
      id: 'i1',
      title: 'Eau',
      body: '',
      sources: ['gA/r1', 'gC/r7'],
      createdAt: 1,
      impact: null,
      feasibility: null,
    },
    {
      id: 'i2',
      title: 'Solidarité',
      body: '',
      sources: ['gB/r2'],
      createdAt: 2,
      impact: null,
      feasibility: null,
    },
  ];

  it('before the plenary vote an item weighs the sum of its sources’ votes', () => {
    expect(sourcesTotal(items[0]!, tallies)).toBe(7);
    expect(rankItems(items, tallies, 'merge').map((r) => [r.item.id, r.total])).toEqual([
      ['i1', 7],
      ['i2', 1],
    ]);
  });

  it('from the plenary vote on, items are ranked by their own dots', () => {
    expect(
      rankItems(items, tallies, 'prioritise').map((r) => [r.item.id, r.total, r.rank]),
    ).toEqual([
      ['i2', 6, 1],
      ['i1', 2, 2],
    ]);
  });

  it('equal totals share a rank', () => {
    const ranked = rankItems(items, { 'plenary/i1': 3, 'plenary/i2': 3 }, 'prioritise');
    expect(ranked.map((r) => r.rank)).toEqual([1, 1]);
  });

  it('an item names its groups in workshop order, and a vanished source shows as removed', () => {
    expect(itemGroups(items[0]!, ['gC', 'gB', 'gA'])).toEqual(['gC', 'gA']);
    const resolved = resolveSources(items[0]!, [
      {
        groupId: 'gA',
        recommendations: [{ id: 'r1', title: 'x', body: '', authorId: '', createdAt: 0 }],
      },
    ]);
    expect(resolved.map((s) => [s.ref, s.recommendation?.title ?? null])).toEqual([
      ['gA/r1', 'x'],
      ['gC/r7', null],
    ]);
    expect(mergedRefs(items).get('gC/r7')).toBe('i1');
  });

  it('the 2×2 matrix splits at 3 on both axes', () => {
    expect(quadrantOf(5, 5)).toBe('quickWins');
    expect(quadrantOf(3, 2)).toBe('majorProjects');
    expect(quadrantOf(2, 4)).toBe('fillIns');
    expect(quadrantOf(1, 1)).toBe('thanklessTasks');
  });
});
