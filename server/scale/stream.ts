// The announcement stream: one Redis stream every process appends its cache changes to and reads
// the others' from. A stream rather than pub/sub: a process whose connection to Redis broke (or
// a Redis that paused) reads on from the last entry it had, so no announcement is lost to a
// short outage; the stream is trimmed to its last STREAM_MAX_LEN entries.
import type { Logger } from '../collab/room.js';
import type { Bus, RedisClient } from './bus.js';

const STREAM_KEY = 'atelier:announcements';
/** Entries kept (approximately): minutes of announcements at the busiest, for a process coming back. */
const STREAM_MAX_LEN = 10_000;
/** A blocking read returns at least this often, to notice close(). */
const BLOCK_MS = 2_000;
/** Entries taken per read. */
const READ_COUNT = 200;

export interface AnnouncementStream {
  /** Appends one announcement (fire and forget; this process does not read its own). */
  append(message: string): void;
  /** Starts reading the others' announcements from now on. */
  start(handler: (message: string) => void): void;
  close(): Promise<void>;
}

export function createAnnouncementStream(bus: Bus, log: Logger): AnnouncementStream {
  // Blocking reads need a connection of their own.
  const reader: RedisClient = bus.client.duplicate();
  reader.on('error', (error: unknown) => log.error(`redis stream reader: ${String(error)}`));
  let closed = false;
  let loop: Promise<void> | null = null;

  async function read(handler: (message: string) => void): Promise<void> {
    if (!reader.isOpen) await reader.connect();
    // From the newest entry now on (what came before, the database already holds); from then
    // on, from the last entry read.
    const newest = (await reader.xRevRange(STREAM_KEY, '+', '-', { COUNT: 1 })) as {
      id: string;
    }[];
    let lastId = newest[0]?.id ?? '0-0';
    while (!closed) {
      let reply: unknown;
      try {
        reply = await reader.xRead(
          { key: STREAM_KEY, id: lastId },
          { BLOCK: BLOCK_MS, COUNT: READ_COUNT },
        );
      } catch (error) {
        if (closed) return;
        log.error('reading announcements failed; retrying', { error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      const streams = (reply ?? []) as {
        messages: { id: string; message: Record<string, string> }[];
      }[];
      for (const stream of streams) {
        for (const entry of stream.messages) {
          lastId = entry.id;
          const from = entry.message.from;
          const body = entry.message.m;
          if (from === bus.processId || body === undefined) continue;
          try {
            handler(body);
          } catch (error) {
            log.error('an announcement failed', { error: String(error) });
          }
        }
      }
    }
  }

  return {
    append(message) {
      if (!bus.client.isReady) return;
      bus.client
        .xAdd(
          STREAM_KEY,
          '*',
          { from: bus.processId, m: message },
          { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: STREAM_MAX_LEN } },
        )
        .catch((error: unknown) => log.error('announcing failed', { error: String(error) }));
    },
    start(handler) {
      loop ??= read(handler).catch((error: unknown) =>
        log.error('the announcement reader stopped', { error: String(error) }),
      );
    },
    async close() {
      closed = true;
      // A read blocked in Redis returns within BLOCK_MS; closing the connection ends it now.
      reader.destroy();
      await loop;
    },
  };
}
