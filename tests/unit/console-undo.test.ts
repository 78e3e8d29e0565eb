// The console's undo offer (client/lib/undo.svelte.ts): one at a time, the replaced one released,
// taken once, and gone by itself after its time (fake timers: no wall clock).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUndoStore, UNDO_MS } from '../../client/lib/undo.svelte.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function offerLog() {
  const log: string[] = [];
  const reversible = (name: string) => ({
    undo: () => log.push(`undo ${name}`),
    dispose: () => log.push(`dispose ${name}`),
  });
  return { log, reversible };
}

describe('the console’s undo offer', () => {
  it('shows the newest offer; the one it replaces is released and can no longer be undone', () => {
    const undo = createUndoStore();
    const { log, reversible } = offerLog();
    expect(undo.message).toBeNull();
    undo.offerReversible('first', reversible('a'));
    undo.offerReversible('second', reversible('b'));
    expect(undo.message).toBe('second');
    expect(log).toEqual(['dispose a']);
    undo.undo();
    expect(log).toEqual(['dispose a', 'undo b']);
    expect(undo.message).toBeNull();
    undo.undo();
    expect(log).toEqual(['dispose a', 'undo b']);
  });

  it('goes by itself after its time, released, and a later offer gets its own full time', () => {
    const undo = createUndoStore();
    const { log, reversible } = offerLog();
    undo.offerReversible('first', reversible('a'));
    vi.advanceTimersByTime(UNDO_MS - 1);
    undo.offer('second', () => log.push('undo b'));
    vi.advanceTimersByTime(UNDO_MS - 1);
    expect(undo.message).toBe('second');
    vi.advanceTimersByTime(1);
    expect(undo.message).toBeNull();
    expect(log).toEqual(['dispose a']);
  });

  it('closing releases the offer without undoing it', () => {
    const undo = createUndoStore();
    const { log, reversible } = offerLog();
    undo.offerReversible('first', reversible('a'));
    undo.close();
    expect(undo.message).toBeNull();
    expect(log).toEqual(['dispose a']);
    vi.advanceTimersByTime(UNDO_MS);
    expect(log).toEqual(['dispose a']);
  });
});
