// The page's one polite live region, fed from anywhere (issue 15): what changed that a screen
// reader user would otherwise miss (a teammate's card, votes revealed, a merge, the time left).
// Messages are gathered for a short while and spoken together, so a burst of changes (or someone
// typing) becomes one announcement, not one per keystroke.

/** How long messages are gathered before they are spoken together. */
export const ANNOUNCE_GATHER_MS = 1200;

type Listener = (text: string) => void;

export interface Announcer {
  /**
   * Queues `message`. With a `key`, a later message with the same key replaces the queued one
   * (the latest ranking, the latest count), so only the newest of a kind is spoken.
   */
  announce(message: string, options?: { key?: string }): void;
  /** The region's text, each time it changes; returns the unsubscribe. */
  subscribe(listener: Listener): () => void;
}

export function createAnnouncer(gatherMs = ANNOUNCE_GATHER_MS): Announcer {
  const listeners = new Set<Listener>();
  const queued = new Map<string, string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let serial = 0;
  let lastText = '';

  function flush(): void {
    timer = null;
    let text = [...new Set(queued.values())].join(' ');
    queued.clear();
    if (text === '') return;
    // The same words twice in a row are a change too: a zero-width space makes them differ, so
    // the region's text changes and screen readers speak it again.
    if (text === lastText) text += '\u200b';
    lastText = text;
    for (const listener of listeners) listener(text);
  }

  return {
    announce(message, options = {}) {
      const trimmed = message.trim();
      if (trimmed === '') return;
      queued.set(options.key ?? `#${serial++}`, trimmed);
      timer ??= setTimeout(flush, gatherMs);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The announcer of this page, read by client/components/LiveRegion.svelte (mounted once in App). */
export const announcer = createAnnouncer();

export function announce(message: string, options?: { key?: string }): void {
  announcer.announce(message, options);
}

/**
 * Follows a countdown and says, once each, when the last minute starts and when time is up;
 * nothing when the page opens already past those points (the timer shows it).
 */
export function createCountdownAnnouncer(words: {
  lastMinute: () => string;
  timeUp: () => string;
}) {
  let previous: number | null = null;
  return (left: number | null): void => {
    if (left !== null && previous !== null) {
      if (previous > 60_000 && left <= 60_000 && left > 0)
        announce(words.lastMinute(), { key: 'timer' });
      if (previous > 0 && left <= 0) announce(words.timeUp(), { key: 'timer' });
    }
    previous = left;
  };
}
