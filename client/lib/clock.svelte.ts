// The current time as a rune that ticks once a second, only while something on screen reads it.
import { createSubscriber } from 'svelte/reactivity';

const TICK_MS = 1000;

export function createClock(): { readonly now: number } {
  const subscribe = createSubscriber((update) => {
    const timer = setInterval(update, TICK_MS);
    return () => clearInterval(timer);
  });
  return {
    get now() {
      subscribe();
      return Date.now();
    },
  };
}
