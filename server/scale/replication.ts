// Yjs across processes: every process appends to the database log before its clients see an
// update (room.ts, as on one process); the others read those rows from the database, never from
// the bus. Redis carries only a hint per append ("room R has a row at seq N") and awareness; a
// poll of the log heads catches up on hints that Redis lost or delayed (docs/architecture.md).
import type { LogRow, Room } from '../collab/room.js';
import type { RoomReplication } from '../collab/rooms.js';
import type { Logger } from '../collab/room.js';
import type { Bus } from './bus.js';

/** How often the log heads of every loaded room are compared with what the room holds. */
export const POLL_EVERY_MS = 1_000;

/** What the replication reads from the database (server/store/postgres-log.ts). */
export interface DocLogReader {
  /**
   * The log rows of a document after `afterSeq`, oldest first, and its compacted state when its
   * version is no longer `stateVersion` (a compaction removed rows); read from one snapshot.
   */
  readDocSince(
    workshopId: string,
    docName: string,
    afterSeq: number,
    stateVersion: string,
  ): Promise<{ state: Uint8Array | null; stateVersion: string; rows: LogRow[] }>;
  /** The newest seq and the state version of each document, in the order asked. */
  docHeads(
    docs: { workshopId: string; docName: string }[],
  ): Promise<{ head: number; stateVersion: string }[]>;
}

/** The first byte of every message on a room's channel. */
const Kind = { appended: 0, awareness: 1, askAwareness: 2 } as const;
const ID_BYTES = 8;

export interface Replication extends RoomReplication {
  /** Starts the poll (listen). */
  start(): void;
  stop(): void;
}

export function createReplication(deps: {
  bus: Bus;
  reader: DocLogReader;
  log: Logger;
  pollEveryMs?: number;
}): Replication {
  const { bus, reader, log } = deps;
  const self = Buffer.from(bus.processId, 'hex');
  const linked = new Set<Linked>();
  let poll: NodeJS.Timeout | null = null;
  let polling = false;

  interface Linked {
    room: Room;
    /** The version of the compacted state this room last read ('' before any). */
    stateVersion: string;
    /** Reads in order; a hint that arrives while one runs asks for one more after it. */
    catchUp(): Promise<void>;
  }

  const frame = (kind: number, payload?: Uint8Array | Buffer) =>
    Buffer.concat([Buffer.of(kind), self, payload ?? Buffer.alloc(0)]);

  async function pollHeads(): Promise<void> {
    if (polling || linked.size === 0) return;
    polling = true;
    try {
      const rooms = [...linked];
      const heads = await reader.docHeads(
        rooms.map(({ room }) => ({ workshopId: room.workshopId, docName: room.docName })),
      );
      rooms.forEach((l, i) => {
        const head = heads[i];
        if (!head) return;
        if (head.head > l.room.readThrough || head.stateVersion !== l.stateVersion)
          l.catchUp().catch(() => undefined);
      });
    } catch (error) {
      log.error('log poll failed', { error: String(error) });
    } finally {
      polling = false;
    }
  }

  return {
    async attach(room) {
      const channel = `atelier:doc:${room.workshopId}/${room.docName}`;
      const key = `${room.workshopId}/${room.docName}`;
      let running: Promise<void> | null = null;
      let again = false;
      let detached = false;
      const readOnce = async () => {
        const read = await reader.readDocSince(
          room.workshopId,
          room.docName,
          room.readThrough,
          linkedRoom.stateVersion,
        );
        // A room unloaded meanwhile has destroyed its document.
        if (detached) return;
        room.applyLog(read);
        linkedRoom.stateVersion = read.stateVersion;
      };
      const catchUp = (): Promise<void> => {
        if (running) {
          again = true;
          return running;
        }
        running = (async () => {
          try {
            do {
              again = false;
              await readOnce();
            } while (again && !room.retired && !detached);
          } catch (error) {
            log.error('reading the log failed; the poll tries again', {
              room: key,
              error: String(error),
            });
            throw error;
          } finally {
            running = null;
          }
        })();
        return running;
      };
      const linkedRoom: Linked = { room, stateVersion: '', catchUp };

      const onMessage = (message: Buffer) => {
        if (message.length < 1 + ID_BYTES || room.retired) return;
        if (message.subarray(1, 1 + ID_BYTES).equals(self)) return;
        const body = message.subarray(1 + ID_BYTES);
        switch (message[0]) {
          case Kind.appended: {
            const seq = body.length === 8 ? Number(body.readBigUInt64BE(0)) : Infinity;
            if (seq > room.readThrough) catchUp().catch(() => undefined);
            break;
          }
          case Kind.awareness:
            room.presence.receiveFromPeers(new Uint8Array(body));
            break;
          case Kind.askAwareness: {
            const own = room.presence.encodeOwn();
            if (own) bus.publish(channel, frame(Kind.awareness, own));
            break;
          }
        }
      };
      bus.subscribe(channel, onMessage);
      room.link = {
        appended(seq) {
          const body = Buffer.alloc(8);
          body.writeBigUInt64BE(BigInt(seq));
          bus.publish(channel, frame(Kind.appended, body));
        },
        awareness(update) {
          bus.publish(channel, frame(Kind.awareness, update));
        },
        catchUp,
      };
      room.presence.relay = (update) => room.link?.awareness(update);
      linked.add(linkedRoom);
      // Rows appended between the load and the subscription, and the others' presence now.
      bus.publish(channel, frame(Kind.askAwareness));
      catchUp().catch(() => undefined);
      return () => {
        detached = true;
        linked.delete(linkedRoom);
        bus.unsubscribe(channel, onMessage);
        room.link = null;
        room.presence.relay = null;
      };
    },
    start() {
      const every = deps.pollEveryMs ?? POLL_EVERY_MS;
      poll ??= setInterval(() => void pollHeads(), every);
      poll.unref();
    },
    stop() {
      if (poll) clearInterval(poll);
      poll = null;
    },
  };
}
