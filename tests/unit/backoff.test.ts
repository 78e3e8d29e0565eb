// Reconnection delays of client/lib/backoff.ts: exponential, capped, and jittered so that a room
// full of laptops does not come back in lockstep.
import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, drawCeiling, reconnectDelay } from '../../client/lib/backoff.js';

describe('reconnectDelay', () => {
  it('grows exponentially from the base, never past the ceiling', () => {
    const mid = () => 0.5;
    expect(reconnectDelay(0, 5000, mid)).toBe(Math.round(BACKOFF_BASE_MS * 0.75));
    expect(reconnectDelay(1, 5000, mid)).toBe(Math.round(BACKOFF_BASE_MS * 2 * 0.75));
    for (let attempt = 0; attempt < 40; attempt++) {
      expect(reconnectDelay(attempt, 4000, () => 0.999)).toBeLessThanOrEqual(4000);
    }
  });

  it('spreads clients at the same attempt over half of the step', () => {
    const low = reconnectDelay(5, 10_000, () => 0);
    const high = reconnectDelay(5, 10_000, () => 1);
    expect(low).toBe((BACKOFF_BASE_MS * 32) / 2);
    expect(high).toBe(BACKOFF_BASE_MS * 32);
  });

  it('gives each client its own ceiling between 3 and 6 seconds', () => {
    expect(drawCeiling(() => 0)).toBe(3000);
    expect(drawCeiling(() => 0.999)).toBeLessThan(6000);
    const ceilings = new Set(Array.from({ length: 20 }, () => Math.round(drawCeiling())));
    expect(ceilings.size).toBeGreaterThan(10);
  });
});
