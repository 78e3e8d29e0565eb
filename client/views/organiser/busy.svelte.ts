// One busy state for a page's actions: which are running, by key (`save`, `restore`,
// `fork:<snapshotId>`), instead of a flag per action; each run clears the page's last error and
// hands its failure to one place.
import { SvelteSet } from 'svelte/reactivity';

export interface Busy {
  /** Whether the action `key` is running. */
  has(key: string): boolean;
  /** The rest of the key of a running action that starts with `prefix` (`fork:` → its id), or null. */
  find(prefix: string): string | null;
  /** Runs `action` under `key`; its failure goes to `onError`, never to the caller. */
  run(key: string, action: () => Promise<void>): Promise<void>;
}

export function createBusy(hooks: { onStart?: () => void; onError: (e: unknown) => void }): Busy {
  const running = new SvelteSet<string>();
  return {
    has: (key) => running.has(key),
    find(prefix) {
      for (const key of running) if (key.startsWith(prefix)) return key.slice(prefix.length);
      return null;
    },
    async run(key, action) {
      running.add(key);
      hooks.onStart?.();
      try {
        await action();
      } catch (e) {
        hooks.onError(e);
      } finally {
        running.delete(key);
      }
    },
  };
}
