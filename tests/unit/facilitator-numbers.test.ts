// The small numbers and words of issue 12 that people act on: a comparison counts as merges only
// items that join two cards or more, the CSV says which items are merges, and the label of the
// snapshot saved before a restore never nests, however often a restore is undone.
import { describe, expect, it } from 'vitest';
import { compareBoards } from '../../shared/compare.js';
import type { BoardExport, ExportItem } from '../../shared/export.js';
import { tableRows } from '../../shared/report.js';
import { restoreLabel } from '../../server/services/snapshots.js';

const rec = (id: string, title: string) => ({
  id,
  title,
  body: '',
  authorId: 'a',
  createdAt: 0,
  votes: 1,
});
const item = (id: string, sources: string[]): ExportItem => ({
  id,
  title: `Item ${id}`,
  body: '',
  sources,
  createdAt: 0,
  impact: null,
  feasibility: null,
  sourcesVotes: sources.length,
  votes: 0,
});

function board(items: ExportItem[]): BoardExport {
  return {
    format: 'atelier.workshop',
    version: 1,
    exportedAt: 0,
    workshop: {
      workshopId: 'w',
      code: 'ACDEFG',
      title: 'Atelier',
      language: 'fr',
      voteBudget: 5,
      phase: 'merge',
      votesRevealed: true,
      createdAt: 0,
    },
    groups: [
      {
        id: 'g1',
        name: 'Diagnostic',
        prompt: '',
        recommendations: [rec('r1', 'Un'), rec('r2', 'Deux')],
      },
      { id: 'g2', name: 'Solidarités', prompt: '', recommendations: [rec('r3', 'Trois')] },
    ],
    participants: [],
    items,
    votes: [],
  } as unknown as BoardExport;
}

describe('merges in a comparison', () => {
  it('a card carried over alone is not a merge; two cards joined are one', () => {
    const after = board([item('single', ['g1/r1']), item('joined', ['g1/r2', 'g2/r3'])]);
    const comparison = compareBoards(board([]), after);
    expect(comparison.items.added).toHaveLength(2);
    expect(comparison.merges).toBe(1);
  });

  it('a carried-over card that gains a second one becomes a merge; one that loses a card is not', () => {
    const before = board([item('a', ['g1/r1']), item('b', ['g1/r2', 'g2/r3'])]);
    const after = board([item('a', ['g1/r1', 'g2/r3']), item('b', ['g1/r2'])]);
    expect(compareBoards(before, after).merges).toBe(1);
    expect(compareBoards(after, after).merges).toBe(0);
  });

  it('an item written while merging, with no card, is not a merge', () => {
    expect(compareBoards(board([]), board([item('free', [])])).merges).toBe(0);
  });
});

describe('the CSV’s type column', () => {
  it('says "merged" only for items that join two cards or more', () => {
    const rows = tableRows(
      board([item('single', ['g1/r1']), item('joined', ['g1/r2', 'g2/r3']), item('free', [])]),
    );
    const types = new Map(rows.slice(1).map((row) => [row[2], row[0]]));
    expect(types.get('Item joined')).toBe('Élément fusionné');
    expect(types.get('Item single')).toBe('Reprise sans fusion');
    expect(types.get('Item free')).toBe('Ajout en synthèse');
    const en = tableRows(board([item('single', ['g1/r1'])]), 'en');
    expect(en[en.length - 1]![0]).toBe('Carried over, not merged');
  });
});

describe('the label saved before a restore', () => {
  it('names the snapshot restored', () => {
    expect(restoreLabel('Avant la pause', 'fr')).toBe(
      'Avant la restauration de « Avant la pause »',
    );
    expect(restoreLabel('Before lunch', 'en')).toBe('Before restoring “Before lunch”');
  });

  it('undoing a restore, and undoing that again, speaks of the first snapshot without nesting', () => {
    let label = restoreLabel('Avant la pause', 'fr');
    for (let i = 0; i < 4; i++) {
      label = restoreLabel(label, 'fr');
      expect(label).toBe('Avant l’annulation de la restauration de « Avant la pause »');
    }
    let en = restoreLabel('Before lunch', 'en');
    for (let i = 0; i < 3; i++) en = restoreLabel(en, 'en');
    expect(en).toBe('Before undoing the restore of “Before lunch”');
  });

  it('stays within 120 characters, cutting the name and keeping the closing quote', () => {
    const label = restoreLabel('x'.repeat(200), 'fr');
    expect(label.length).toBeLessThanOrEqual(120);
    expect(label.endsWith('… »')).toBe(true);
  });
});
