// One ranking rule for the console, the projection and the report: equal totals share a rank
// ("1, 2, 2, 4"), distinct totals never do, and the report ranks an export as the live board
// ranks the same figures. And how the projection cuts a long board into pages.
import { describe, expect, it } from 'vitest';
import { rankItems } from '../../shared/board.js';
import type { PlenaryItem } from '../../shared/doc.js';
import type { BoardExport, ExportItem } from '../../shared/export.js';
import { rankedItems } from '../../shared/report.js';
import { pageLayout } from '../../client/views/screen/screen.js';

const item = (id: string, createdAt: number, sources: string[] = []): PlenaryItem => ({
  id,
  title: id,
  body: '',
  sources,
  createdAt,
  impact: null,
  feasibility: null,
});

function exportOf(items: ExportItem[], phase: BoardExport['workshop']['phase']): BoardExport {
  return {
    format: 'atelier-board',
    version: 1,
    exportedAt: 0,
    workshop: {
      workshopId: 'w',
      code: 'ABCDEF',
      title: 'T',
      language: 'fr',
      voteBudget: 5,
      phase,
      votesRevealed: true,
      createdAt: 0,
    },
    groups: [{ id: 'g', name: 'G', prompt: '', recommendations: [] }],
    participants: [],
    items,
    votes: [],
  } as unknown as BoardExport;
}

describe('ranking', () => {
  const items = ['a', 'b', 'c', 'd', 'e'].map((id, i) => item(id, i, [`g/r${i}`]));
  const plenary = {
    'plenary/a': 1,
    'plenary/b': 3,
    'plenary/c': 2,
    'plenary/d': 2,
    'plenary/e': 0,
  };

  it('gives equal totals one rank and skips the ranks they take (1, 2, 2, 4, 5)', () => {
    const ranked = rankItems(items, plenary, 'prioritise');
    expect(ranked.map((r) => [r.item.id, r.total, r.rank])).toEqual([
      ['b', 3, 1],
      ['c', 2, 2],
      ['d', 2, 2],
      ['a', 1, 4],
      ['e', 0, 5],
    ]);
  });

  it('never gives distinct totals one rank, even when the tie-break (sources’ votes) is equal', () => {
    const ranked = rankItems(items, { ...plenary, 'plenary/e': 1 }, 'prioritise');
    const byTotal = new Map<number, Set<number>>();
    for (const r of ranked) byTotal.set(r.total, (byTotal.get(r.total) ?? new Set()).add(r.rank));
    for (const ranks of byTotal.values()) expect(ranks.size).toBe(1);
    expect(new Set(ranked.map((r) => r.rank)).size).toBe(byTotal.size);
  });

  it('ranks an export in the report exactly as the live board ranks the same figures', () => {
    const sources = { 'g/r0': 4, 'g/r1': 0, 'g/r2': 4, 'g/r3': 1, 'g/r4': 4 };
    const exported = items.map((it, i): ExportItem => ({
      ...it,
      sourcesVotes: sources[`g/r${i}` as keyof typeof sources],
      votes: plenary[`plenary/${it.id}` as keyof typeof plenary],
    }));
    for (const phase of ['merge', 'prioritise', 'closed'] as const) {
      const live = rankItems(items, { ...sources, ...plenary }, phase).map((r) => [
        r.item.id,
        r.total,
        r.rank,
      ]);
      const report = rankedItems(exportOf(exported, phase)).map((r) => [
        r.item.id,
        r.total,
        r.rank,
      ]);
      expect(report, phase).toEqual(live);
    }
    // Before the plenary vote, by the sources' votes: three items at 4 share rank 1.
    expect(rankedItems(exportOf(exported, 'merge')).map((r) => r.rank)).toEqual([1, 1, 1, 4, 5]);
  });
});

describe('the projection’s pages', () => {
  it('shows up to twelve at once, then even pages', () => {
    expect(pageLayout(0)).toMatchObject({ pages: 1, columns: 1 });
    expect(pageLayout(5)).toEqual({ pages: 1, perPage: 5, columns: 1, rows: 5 });
    expect(pageLayout(12)).toEqual({ pages: 1, perPage: 12, columns: 2, rows: 6 });
    expect(pageLayout(13)).toEqual({ pages: 2, perPage: 7, columns: 2, rows: 4 });
    expect(pageLayout(20)).toEqual({ pages: 2, perPage: 10, columns: 2, rows: 5 });
    expect(pageLayout(46)).toEqual({ pages: 4, perPage: 12, columns: 2, rows: 6 });
    // Every item is on exactly one page.
    for (let n = 1; n <= 60; n++) {
      const { pages, perPage } = pageLayout(n);
      expect(perPage).toBeLessThanOrEqual(12);
      expect(pages * perPage).toBeGreaterThanOrEqual(n);
      expect((pages - 1) * perPage).toBeLessThan(n);
    }
  });
});
