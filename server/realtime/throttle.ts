// Per-key leading + trailing throttle: the first call runs at once, calls during the window are
// folded into one run at its end. Broadcasts of the whole workshop state or of the tallies use it,
// so a burst (everyone reconnecting when the wifi comes back, a vote rush) costs a few messages per
// window instead of one per event to everyone: O(N) instead of O(N²) per burst.
export interface Throttle {
  schedule(key: string): void;
  close(): void;
}

export function createThrottle(
  run: (key: string) => Promise<void>,
  windowMs: (key: string) => number,
  onError: (error: unknown) => void,
): Throttle {
  const pending = new Map<string, { timer: NodeJS.Timeout; dirty: boolean }>();

  function schedule(key: string): void {
    const entry = pending.get(key);
    if (entry) {
      entry.dirty = true;
      return;
    }
    run(key).catch(onError);
    const next = {
      dirty: false,
      timer: setTimeout(() => {
        pending.delete(key);
        if (next.dirty) schedule(key);
      }, windowMs(key)),
    };
    pending.set(key, next);
  }

  return {
    schedule,
    close() {
      for (const { timer } of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}
