// The snapshot page's pure parts: the timeline's days, the board cache (a snapshot fetched once,
// the live board every time) and the one busy state its actions share.
import { describe, expect, it } from 'vitest';
import type { BoardExport } from '../../shared/export.js';
import { createBoardCache, LIVE_BOARD } from '../../client/views/organiser/boardCache.js';
import { createBusy } from '../../client/views/organiser/busy.svelte.js';
import { groupByDay, isSameDay } from '../../client/views/organiser/snapshotDays.js';

const at = (day: number, hour: number) => new Date(2026, 11, day, hour).getTime();

describe('the timeline days', () => {
  it('puts consecutive snapshots of one day under one heading, in the order given', () => {
    const items = [
      { id: 'c', createdAt: at(8, 15) },
      { id: 'b', createdAt: at(8, 9) },
      { id: 'a', createdAt: at(7, 18) },
    ];
    const days = groupByDay(items, (ms) => `day of ${new Date(ms).getDate()}`);
    expect(days.map((d) => [d.label, d.items.map((i) => i.id)])).toEqual([
      ['day of 8', ['c', 'b']],
      ['day of 7', ['a']],
    ]);
  });

  it('has no day for no snapshot', () => {
    expect(groupByDay([], () => 'x')).toEqual([]);
  });

  it('tells the same calendar day from another', () => {
    expect(isSameDay(at(8, 0), at(8, 23))).toBe(true);
    expect(isSameDay(at(8, 23), at(9, 0))).toBe(false);
  });
});

describe('the board cache', () => {
  const board = (title: string) => ({ workshop: { title } }) as unknown as BoardExport;

  it('fetches a snapshot once and the live board every time', async () => {
    const asked: string[] = [];
    const cache = createBoardCache(async (id) => {
      asked.push(id);
      return board(id);
    });
    await cache.get('s1');
    await cache.get('s1');
    await cache.get(LIVE_BOARD);
    await cache.get(LIVE_BOARD);
    expect(asked).toEqual(['s1', LIVE_BOARD, LIVE_BOARD]);
    expect((await cache.get('s1'))?.workshop.title).toBe('s1');
  });

  it('answers null when the fetch fails, and asks again next time', async () => {
    let calls = 0;
    const cache = createBoardCache(async (id) => {
      calls += 1;
      if (calls === 1) throw new Error('network');
      return board(id);
    });
    expect(await cache.get('s1')).toBeNull();
    expect((await cache.get('s1'))?.workshop.title).toBe('s1');
    expect(calls).toBe(2);
  });
});

describe('the busy state', () => {
  it('marks an action running until it ends, and says which of a kind runs', async () => {
    const busy = createBusy({ onError: () => undefined });
    let finish = () => undefined as void;
    const running = busy.run('fork:s2', () => new Promise<void>((resolve) => (finish = resolve)));
    expect(busy.has('fork:s2')).toBe(true);
    expect(busy.find('fork:')).toBe('s2');
    expect(busy.has('save')).toBe(false);
    finish();
    await running;
    expect(busy.has('fork:s2')).toBe(false);
    expect(busy.find('fork:')).toBeNull();
  });

  it('clears the last error when an action starts and reports its failure in one place', async () => {
    const events: string[] = [];
    const busy = createBusy({
      onStart: () => events.push('start'),
      onError: (e) => events.push(`error: ${(e as Error).message}`),
    });
    await busy.run('restore', async () => {
      throw new Error('refused');
    });
    expect(events).toEqual(['start', 'error: refused']);
    expect(busy.has('restore')).toBe(false);
  });
});
