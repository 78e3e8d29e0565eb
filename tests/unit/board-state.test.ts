// The participant board's readings (client/views/board/boardState.ts): which board is on screen
// as the phase moves, the connection shown, the members' order, who edits a card, merged items'
// groups and edges.
import { describe, expect, it } from 'vitest';
import {
  bandedEdge,
  editorsOfCard,
  groupMembers,
  otherDocOf,
  resolveView,
  shownStatus,
  sourceGroupIds,
  viewedGroupOf,
} from '../../client/views/board/boardState.js';

const groups = ['g1', 'g2', 'g3'];

describe('the board on screen', () => {
  it('is my group’s while writing and voting, the merged board while prioritising', () => {
    expect(resolveView(null, 'write', 'g1', groups)).toBe('mine');
    expect(resolveView(null, 'vote', 'g1', groups)).toBe('mine');
    expect(resolveView(null, 'prioritise', 'g1', groups)).toBe('merged');
  });

  it('stays the one chosen until the phase changes', () => {
    const choice = { view: 'group:g2', phase: 'write' as const };
    expect(resolveView(choice, 'write', 'g1', groups)).toBe('group:g2');
    expect(resolveView(choice, 'vote', 'g1', groups)).toBe('mine');
  });

  it('is mine when my own group or a group no longer there is chosen', () => {
    expect(resolveView({ view: 'group:g1', phase: 'write' }, 'write', 'g1', groups)).toBe('mine');
    expect(resolveView({ view: 'group:gone', phase: 'write' }, 'write', 'g1', groups)).toBe('mine');
  });

  it('names the group shown and the document it needs besides mine', () => {
    expect(viewedGroupOf('mine', 'g1')).toBe('g1');
    expect(viewedGroupOf('group:g2', 'g1')).toBe('g2');
    expect(viewedGroupOf('merged', 'g1')).toBeNull();
    expect(otherDocOf('mine')).toBeNull();
    expect(otherDocOf('group:g2')).toBe('group-g2');
    expect(otherDocOf('merged')).toBe('plenary');
  });
});

describe('the connection shown', () => {
  it('is the worse of the document and the session', () => {
    expect(shownStatus('connected', { connected: true, hasState: true })).toBe('connected');
    expect(shownStatus('offline', { connected: true, hasState: true })).toBe('offline');
    expect(shownStatus('connected', { connected: false, hasState: true })).toBe('offline');
    expect(shownStatus('connected', { connected: false, hasState: false })).toBe('syncing');
    expect(shownStatus('syncing', { connected: true, hasState: true })).toBe('syncing');
  });
});

describe('the group’s members', () => {
  it('lists me first, then those online, and only my group', () => {
    const people = [
      { participantId: 'a', name: 'A', groupId: 'g1', online: false },
      { participantId: 'b', name: 'B', groupId: 'g1', online: true },
      { participantId: 'me', name: 'Me', groupId: 'g1', online: true },
      { participantId: 'c', name: 'C', groupId: 'g2', online: true },
    ];
    expect(groupMembers(people, 'g1', 'me').map((p) => p.participantId)).toEqual(['me', 'b', 'a']);
  });
});

describe('a card’s editors', () => {
  it('are the peers editing that card, with the field and their colour', () => {
    const peers = [
      { clientId: 1, user: { participantId: 'p1', name: 'Léa', color: '' }, editing: null },
      {
        clientId: 2,
        user: { participantId: 'p2', name: 'Karim', color: '' },
        editing: { recId: 'r1', field: 'body' as const },
      },
    ];
    expect(editorsOfCard(peers, 'r1', (id) => `colour-${id}`)).toEqual([
      { clientId: 2, name: 'Karim', color: 'colour-p2', field: 'body' },
    ]);
    expect(editorsOfCard(peers, 'r2', () => '')).toEqual([]);
  });
});

describe('a merged item', () => {
  it('comes from each source group once, in the sources’ order', () => {
    expect(sourceGroupIds(['g2/r1', 'g1/r2', 'g2/r3', 'plenary/x'])).toEqual(['g2', 'g1']);
  });

  it('is edged with one band per group', () => {
    expect(bandedEdge([])).toBe('var(--border)');
    expect(bandedEdge([{ color: 'red' }, { color: 'blue' }])).toBe(
      'linear-gradient(to bottom, red 0% 50%, blue 50% 100%)',
    );
  });
});
