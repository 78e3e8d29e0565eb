// The one reconnection policy of the page, for the Yjs documents and the Socket.IO session alike.
// Sixty laptops lose the venue wifi at the same moment; if they all retried on the same schedule
// they would hit the server in waves. Each wait is drawn at random ("equal jitter": half fixed,
// half random) under an exponential step, and each client has its own ceiling, so the herd
// spreads out.

/** The first retry waits 125–250 ms; each failure doubles the step. */
export const BACKOFF_BASE_MS = 250;
/** A client's ceiling is drawn once in [3 s, 6 s). */
export const BACKOFF_MIN_CEILING_MS = 3000;
export const BACKOFF_CEILING_SPREAD_MS = 3000;
/** Past this many doublings the step is far above any ceiling: the exponent stops here. */
const MAX_DOUBLINGS = 16;

export function drawCeiling(random: () => number = Math.random): number {
  return BACKOFF_MIN_CEILING_MS + random() * BACKOFF_CEILING_SPREAD_MS;
}

/** The wait before retry number `attempt` (0 for the first), in ms. */
export function reconnectDelay(
  attempt: number,
  ceiling: number,
  random: () => number = Math.random,
): number {
  const doublings = Math.min(Math.max(attempt, 0), MAX_DOUBLINGS);
  const step = Math.min(ceiling, BACKOFF_BASE_MS * 2 ** doublings);
  return Math.round(step / 2 + (random() * step) / 2);
}

/** One connection's retries: counts failed attempts, holds at most one pending retry. */
export interface Reconnector {
  /** Failed attempts since the last success (the next wait's exponent). */
  readonly attempt: number;
  /** This client's longest wait, in ms. */
  readonly ceiling: number;
  /**
   * Runs `retry` after the next wait, replacing any pending one; returns the wait in ms.
   * `atCeiling`: a refusal that may pass (rate limited) or a network said gone: no quick retry.
   */
  schedule(retry: () => void, options?: { atCeiling?: boolean }): number;
  /** The connection is up: the next failure starts from the first step again. */
  succeeded(): void;
  /** Forgets the pending retry (the network went away, or the page closes). */
  cancel(): void;
}

export interface ReconnectorOptions {
  random?: () => number;
  /** The client's ceiling; drawn from `random` when absent. */
  ceiling?: number;
}

export function createReconnector(options: ReconnectorOptions = {}): Reconnector {
  const random = options.random ?? Math.random;
  const ceiling = options.ceiling ?? drawCeiling(random);
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    get attempt() {
      return attempt;
    },
    ceiling,
    schedule(retry, { atCeiling = false } = {}) {
      clearTimeout(timer);
      if (atCeiling) attempt = Math.max(attempt, MAX_DOUBLINGS);
      const delay = reconnectDelay(attempt++, ceiling, random);
      timer = setTimeout(retry, delay);
      return delay;
    },
    succeeded() {
      attempt = 0;
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** The system's word that the network went away or came back (window in the page, none in Node). */
export interface NetworkEvents {
  addEventListener(type: 'online' | 'offline', listener: () => void): void;
  removeEventListener(type: 'online' | 'offline', listener: () => void): void;
}

/** Listens to `offline` and `online`; returns the function that stops listening. */
export function watchNetwork(
  network: NetworkEvents | null,
  handlers: { offline: () => void; online: () => void },
): () => void {
  if (!network) return () => undefined;
  network.addEventListener('offline', handlers.offline);
  network.addEventListener('online', handlers.online);
  return () => {
    network.removeEventListener('offline', handlers.offline);
    network.removeEventListener('online', handlers.online);
  };
}

/** The page's window as the source of network events, or null where there is none (Node). */
export function pageNetwork(): NetworkEvents | null {
  return typeof window === 'undefined' ? null : window;
}
