// The cockpit's view models (client/lib/cockpitview.ts): groups named and coloured in their
// order, cards indexed and picked in order, columns sorted once the votes are in, an item's
// sources (withdrawn ones too), a suggestion's cards, voting progress, the tab of each phase.
import { describe, expect, it } from 'vitest';
import type { PlenaryItem, Recommendation } from '../../shared/doc.js';
import {
  columnEditors,
  columnOrder,
  groupDirectory,
  indexRecommendations,
  newestFirst,
  phaseTab,
  pickedCards,
  resolveSourceView,
  sourceRows,
  toggleRef,
  votingProgress,
} from '../../client/lib/cockpitview.js';
import { groupColor } from '../../client/lib/colors.js';

const rec = (id: string, title: string): Recommendation =>
  ({ id, title, body: '', createdAt: 1 }) as Recommendation;
const dir = groupDirectory([
  { id: 'gA', name: 'Diagnostic' },
  { id: 'gB', name: 'Solidarités' },
]);
const groups = [
  { groupId: 'gA', recommendations: [rec('a1', 'Cartographier'), rec('a2', ' ')] },
  { groupId: 'gB', recommendations: [rec('b1', 'Recenser')] },
];
const recs = indexRecommendations(groups);
const tallies = { 'gA/a2': 3, 'gB/b1': 1 };

describe('the cockpit’s view models', () => {
  it('names and colours groups in their order, and lists an item’s groups in that order', () => {
    expect(dir.nameOf('gB')).toBe('Solidarités');
    expect(dir.nameOf('nope')).toBe('?');
    expect(dir.colorOf('gB')).toBe(groupColor(1));
    expect(dir.labelsOf(['gB/b1', 'gA/a1', 'plenary/x'])).toEqual([
      { name: 'Diagnostic', color: groupColor(0) },
      { name: 'Solidarités', color: groupColor(1) },
    ]);
  });

  it('picks cards in the order picked, skips those gone, and toggles', () => {
    expect(
      pickedCards(['gB/b1', 'gA/zz', 'gA/a2'], recs, dir, 'Sans titre').map((p) => p.title),
    ).toEqual(['Recenser', 'Sans titre']);
    expect(toggleRef(['x'], 'y')).toEqual(['x', 'y']);
    expect(toggleRef(['x', 'y'], 'x')).toEqual(['y']);
  });

  it('sorts a column by votes from the merge on, as written before', () => {
    const list = groups[0]!.recommendations;
    expect(columnOrder(list, 'gA', 'vote', tallies).map((r) => r.id)).toEqual(['a1', 'a2']);
    expect(columnOrder(list, 'gA', 'merge', tallies).map((r) => r.id)).toEqual(['a2', 'a1']);
  });

  it('resolves an item’s sources and a suggestion’s cards, withdrawn ones as such', () => {
    const item = { id: 'i', sources: ['gA/a1', 'gB/gone'] } as PlenaryItem;
    expect(sourceRows(item, groups, dir, tallies)).toEqual([
      {
        ref: 'gA/a1',
        groupName: 'Diagnostic',
        color: groupColor(0),
        title: 'Cartographier',
        votes: 0,
      },
      { ref: 'gB/gone', groupName: 'Solidarités', color: groupColor(1), title: null, votes: 0 },
    ]);
    expect(resolveSourceView('gB/b1', dir, recs, tallies)).toMatchObject({
      title: 'Recenser',
      votes: 1,
    });
    expect(resolveSourceView('gZ/b1', dir, recs, tallies)).toBeNull();
  });

  it('shows voting progress only in the phase it counts, and who writes where', () => {
    const progress = {
      phase: 'vote' as const,
      byGroup: { gA: 2 },
      total: 2,
      doneByGroup: { gA: 1 },
      done: 1,
    };
    expect(votingProgress('vote', progress, 'gA')).toEqual({ started: 2, done: 1 });
    expect(votingProgress('vote', progress, 'gB')).toEqual({ started: 0, done: 0 });
    expect(votingProgress('prioritise', progress, 'gA')).toBeNull();
    expect(votingProgress('write', null, 'gA')).toBeNull();
    const peers = [
      { clientId: 1, user: { name: 'Alice', participantId: 'p1' }, editing: { recId: 'a1' } },
      { clientId: 2, user: { name: 'Bruno', participantId: 'p2' }, editing: null },
    ];
    expect(columnEditors(peers).map((e) => [e.name, e.recId])).toEqual([['Alice', 'a1']]);
  });

  it('orders items newest first and opens each phase on its tab', () => {
    const items = [
      { id: 'a', createdAt: 1 },
      { id: 'b', createdAt: 2 },
      { id: 'c', createdAt: 2 },
    ] as PlenaryItem[];
    expect(newestFirst(items).map((i) => i.id)).toEqual(['c', 'b', 'a']);
    expect(
      ['lobby', 'write', 'vote', 'merge', 'prioritise', 'closed'].map((p) => phaseTab(p as never)),
    ).toEqual(['people', 'groups', 'groups', 'merge', 'prioritise', 'prioritise']);
  });
});
