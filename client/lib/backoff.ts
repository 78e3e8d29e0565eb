// Reconnection delays. Sixty laptops lose the venue wifi at the same moment; if they all retried
// on the same schedule they would hit the server in waves. Each wait is drawn at random
// ("equal jitter": half fixed, half random) under an exponential step, and each client has its
// own ceiling, so the herd spreads out.

/** The first retry waits 125–250 ms; each failure doubles the step. */
export const BACKOFF_BASE_MS = 250;
/** A client's ceiling is drawn once in [3 s, 6 s). */
export const BACKOFF_MIN_CEILING_MS = 3000;
export const BACKOFF_CEILING_SPREAD_MS = 3000;

export function drawCeiling(random: () => number = Math.random): number {
  return BACKOFF_MIN_CEILING_MS + random() * BACKOFF_CEILING_SPREAD_MS;
}

/** The wait before retry number `attempt` (0 for the first), in ms. */
export function reconnectDelay(
  attempt: number,
  ceiling: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(ceiling, BACKOFF_BASE_MS * 2 ** Math.min(Math.max(attempt, 0), 16));
  return Math.round(step / 2 + (random() * step) / 2);
}
