// The current time as a rune that ticks once a second, only while something on screen reads it,
// corrected to the server's clock: countdowns and "freeze at zero" agree on every laptop even when
// a laptop's clock is off.
import { createSubscriber } from 'svelte/reactivity';

const TICK_MS = 1000;

/** Server clock minus this laptop's clock, in ms; 0 until the server told us its time. */
let serverOffset = 0;

/** Called with `workshop:state.serverNow`; ignores transit time (tens of ms at worst). */
export function syncServerTime(serverNow: number): void {
  if (Number.isFinite(serverNow)) serverOffset = serverNow - Date.now();
}

/** Now, on the server's clock. */
export function serverTime(): number {
  return Date.now() + serverOffset;
}

export function createClock(): { readonly now: number } {
  const subscribe = createSubscriber((update) => {
    const timer = setInterval(update, TICK_MS);
    return () => clearInterval(timer);
  });
  return {
    get now() {
      subscribe();
      return serverTime();
    },
  };
}
