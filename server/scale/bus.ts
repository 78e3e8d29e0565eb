// The Redis connection shared by this process's scale-out parts: one client that publishes (and
// that the Socket.IO adapter duplicates), one that subscribes. What travels here is only ever a
// hint or an ephemeral state: a message lost while Redis pauses costs a delay, never data.
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import type { Logger } from '../collab/room.js';

/** How often the connection is checked: a Redis that stops answering is noticed within it. */
const PING_EVERY_MS = 5_000;
/** Reconnection delays: doubling from 50 ms up to 2 s, for as long as it takes. */
const reconnectDelay = (retries: number) => Math.min(50 * 2 ** retries, 2_000);

const newClient = (url: string) =>
  createClient({
    url,
    pingInterval: PING_EVERY_MS,
    socket: { reconnectStrategy: reconnectDelay, connectTimeout: 5_000 },
  });

export type RedisClient = ReturnType<typeof newClient>;

export interface Bus {
  /** Tells this process's messages from the others' (8 random bytes, hex). */
  readonly processId: string;
  /** The publishing client (the Socket.IO adapter duplicates it for its reads). */
  readonly client: RedisClient;
  /** Resolves once both connections are up (listen waits for it). */
  readonly ready: Promise<void>;
  /** Fire and forget: dropped while Redis is unreachable (the readers' poll covers it). */
  publish(channel: string, message: Buffer): void;
  /** Adds a handler; the subscription itself completes in the background. */
  subscribe(channel: string, handler: (message: Buffer) => void): void;
  unsubscribe(channel: string, handler: (message: Buffer) => void): void;
  close(): Promise<void>;
}

export function createBus(url: string, log: Logger): Bus {
  const processId = randomBytes(8).toString('hex');
  const client = newClient(url);
  const subscriber = newClient(url);
  for (const [name, c] of [
    ['publisher', client],
    ['subscriber', subscriber],
  ] as const) {
    // node-redis reconnects on its own; an 'error' without a listener would end the process.
    c.on('error', (error: unknown) => log.error(`redis ${name}: ${String(error)}`));
  }
  const ready = Promise.all([client.connect(), subscriber.connect()]).then(() => undefined);
  // A process that failed to connect must not leave an unhandled rejection behind.
  ready.catch(() => undefined);

  const handlers = new Map<string, Set<(message: Buffer) => void>>();
  const dispatch = (message: Buffer, channel: Buffer | string) => {
    const set = handlers.get(channel.toString());
    if (!set) return;
    for (const handler of set) {
      try {
        handler(message);
      } catch (error) {
        log.error('bus handler failed', { channel: channel.toString(), error: String(error) });
      }
    }
  };

  return {
    processId,
    client,
    ready,
    publish(channel, message) {
      if (!client.isReady) return;
      client.publish(channel, message).catch(() => undefined);
    },
    subscribe(channel, handler) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        subscriber
          .subscribe(channel, dispatch, true)
          .catch((error: unknown) =>
            log.error('redis subscribe failed', { channel, error: String(error) }),
          );
      }
      set.add(handler);
    },
    unsubscribe(channel, handler) {
      const set = handlers.get(channel);
      if (!set) return;
      set.delete(handler);
      if (set.size > 0) return;
      handlers.delete(channel);
      if (subscriber.isReady) subscriber.unsubscribe(channel).catch(() => undefined);
    },
    async close() {
      handlers.clear();
      await Promise.allSettled([client.close(), subscriber.close()]);
    },
  };
}
