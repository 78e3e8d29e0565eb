// The timer's arithmetic, without a socket: when a started, extended or stopped timer ends.
import { describe, expect, it } from 'vitest';
import { extendTimer, startTimer, stopTimer } from '../../server/services/timer.js';

const NOW = 1_700_000_000_000;

describe('the facilitator timer', () => {
  it('a timer started for 90 seconds ends 90 000 ms from now, frozen at zero only when asked', () => {
    expect(startTimer(NOW, 90)).toEqual({
      endsAt: NOW + 90_000,
      patch: { timerEndsAt: NOW + 90_000, timerFreeze: false },
    });
    expect(startTimer(NOW, 90, true).patch.timerFreeze).toBe(true);
  });

  it('a minute added to a running timer moves its end by a minute', () => {
    const running = { timerEndsAt: NOW + 30_000 };
    expect(extendTimer(running, NOW, 60)).toEqual({
      endsAt: NOW + 90_000,
      patch: { timerEndsAt: NOW + 90_000 },
    });
  });

  it('a minute added to a timer that ran out, or to none, gives a minute from now', () => {
    expect(extendTimer({ timerEndsAt: NOW - 120_000 }, NOW, 60).endsAt).toBe(NOW + 60_000);
    expect(extendTimer({ timerEndsAt: null }, NOW, 60).endsAt).toBe(NOW + 60_000);
  });

  it('a stopped timer has no end and freezes nobody', () => {
    expect(stopTimer()).toEqual({ endsAt: null, patch: { timerEndsAt: null, timerFreeze: false } });
  });
});
