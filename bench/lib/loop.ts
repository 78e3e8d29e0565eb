// Event-loop delay as perf_hooks measures it: the histogram records the time between samples,
// so every sample includes the sampling interval, which is subtracted here.

/** Sampling interval of monitorEventLoopDelay; 10 ms adds no measurable load. */
export const LOOP_RESOLUTION_MS = 10;

/** A loop-delay sample (ns, interval included) as the delay itself, in ms. */
export function loopMs(ns: number): number {
  return Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
}
