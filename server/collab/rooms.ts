// The Yjs room registry: loads a document's room on first use, serves WebSocket connections on
// it with the standard y-websocket protocol (so the stock WebsocketProvider works unchanged), and
// unloads it when its last connection and last holder are gone. A room that fails (storage, a
// damaged document) is dropped at once, so the next connection reloads it from disk; what a
// single connection does wrong closes that connection only. The room itself is room.ts.
import type { WebSocket } from 'ws';
import type * as Y from 'yjs';
import { CloseCode } from '../../shared/closeCodes.js';
import type { Store } from '../store/store.js';
import { MalformedMessage } from './guard.js';
import {
  DocumentFullError,
  Room,
  newConnection,
  type Connection,
  type Logger,
  type RetireReason,
} from './room.js';

export type { Logger } from './room.js';

/** How often dead connections are looked for: a connection that misses one ping is dropped. */
const PING_INTERVAL_MS = 30_000;
/** Messages kept while a room loads; a client that sends more before it is served is closed. */
const EARLY_MESSAGES_MAX = 64;

export interface ConnectOptions {
  workshopId: string;
  docName: string;
  /** Asked for every sync-step-2 and update message: write rights change with the phase. */
  canWrite: () => boolean;
  /**
   * May announce awareness on this document: a writer in principle (its group's members, the
   * facilitator), whatever the phase. Read-only viewers' awareness is neither kept nor relayed.
   */
  mayAnnounce?: boolean;
  /** Who holds the connection (a participant id, 'facilitator' or 'viewer'): for disconnecting one person. */
  principalId?: string;
  /** The name its awareness states carry, read at each message (see Connection.nameOf). */
  nameOf?: () => string | null;
}

/** Told of every document once it is loaded; may return a function called when it unloads. */
export type DocObserver = (workshopId: string, docName: string, doc: Y.Doc) => (() => void) | void;

export interface Rooms {
  /** Serves one authenticated WebSocket on a document until it closes. */
  connect(ws: WebSocket, options: ConnectOptions): Promise<void>;
  /** Runs `fn` on the live document (loading it if needed); changes made in it are persisted and broadcast. */
  withDoc<T>(workshopId: string, docName: string, fn: (doc: Y.Doc) => T | Promise<T>): Promise<T>;
  /**
   * Folds a document's log into one state row now: the words a participant withdrew leave the
   * stored history too (the state keeps no deleted text), not only the live document.
   */
  compactNow(workshopId: string, docName: string): Promise<void>;
  /**
   * Asks every client of a workshop's open documents for what the server lacks (sync step 1).
   * Called when write rights reopen: edits a client made while it could not write were dropped,
   * and its later updates depend on them; its answer (sync step 2) brings them all in at once.
   */
  resync(workshopId: string): void;
  /** Registers an observer of every document loaded from now on (and of those already loaded). */
  observe(observer: DocObserver): void;
  /** Closes every connection of one principal (a removed participant) in a workshop. */
  disconnectPrincipal(workshopId: string, principalId: string, code: number, reason: string): void;
  /** Closes every connection of the documents of a workshop whose name matches (after a move, say). */
  disconnect(
    workshopId: string,
    predicate: (docName: string) => boolean,
    code: number,
    reason: string,
  ): void;
  stats(): { rooms: number; connections: number };
  isLoaded(workshopId: string, docName: string): boolean;
  /**
   * Drops every room of a deleted workshop without writing anything more (no compaction): its
   * connections are closed with 4404, and it resolves once appends in flight have ended.
   */
  purge(workshopId: string): Promise<void>;
  /** Waits for pending writes, closes every connection, unloads every room. */
  close(): Promise<void>;
}

/** Ties each loaded room to the other processes (server/scale/replication.ts); returns its untie. */
export interface RoomReplication {
  attach(room: Room): Promise<() => void>;
}

export function createRooms(deps: {
  store: Store;
  compactAfter: number;
  log: Logger;
  /** Several processes over one database: rooms take in each other's log rows. */
  replication?: RoomReplication;
}): Rooms {
  const { store, compactAfter, log, replication } = deps;
  const rooms = new Map<string, Promise<Room>>();
  /** The same rooms once loaded, for synchronous walks (stats, heartbeat). */
  const ready = new Map<string, Room>();
  /** Rooms being written out or retired; a reload of the same document waits for it. */
  const unloading = new Map<string, Promise<void>>();
  const keyOf = (workshopId: string, docName: string) => `${workshopId}/${docName}`;
  const observers: DocObserver[] = [];
  const startObserving = (room: Room, observer: DocObserver) => {
    const stop = observer(room.workshopId, room.docName, room.doc);
    if (stop) room.onUnload.push(stop);
  };

  function whenGone(key: string, done: Promise<void>): void {
    const tracked = done.finally(() => {
      if (unloading.get(key) === tracked) unloading.delete(key);
    });
    unloading.set(key, tracked);
  }

  /**
   * A room that may not serve any more leaves the registry at once (the next connection loads a
   * fresh copy from disk, once the appends in flight have ended), and its clients reconnect.
   */
  function retire(room: Room, reason: RetireReason): void {
    const key = keyOf(room.workshopId, room.docName);
    if (ready.get(key) === room) {
      ready.delete(key);
      rooms.delete(key);
    }
    const [code, why] =
      reason === 'storage' ? [1011, 'storage failure'] : [1012, 'document reloaded'];
    for (const conn of room.connections.values()) conn.ws.close(code, why);
    whenGone(
      key,
      room.settled().then(() => room.dispose()),
    );
  }

  async function load(workshopId: string, docName: string): Promise<Room> {
    const key = keyOf(workshopId, docName);
    await unloading.get(key);
    const stored = await store.loadDoc(workshopId, docName);
    const room = new Room(workshopId, docName, store, compactAfter, log, stored, retire);
    if (replication) {
      try {
        room.onUnload.push(await replication.attach(room));
      } catch (error) {
        room.dispose();
        throw error;
      }
    }
    // A log that grew past the threshold in an earlier life of the room is compacted now.
    await room.afterPending(() => room.compact());
    for (const observer of observers) startObserving(room, observer);
    ready.set(key, room);
    return room;
  }

  function acquire(workshopId: string, docName: string): Promise<Room> {
    const key = keyOf(workshopId, docName);
    let room = rooms.get(key);
    if (!room) {
      room = load(workshopId, docName);
      rooms.set(key, room);
      room.catch(() => {
        if (rooms.get(key) === room) rooms.delete(key);
      });
    }
    return room;
  }

  function releaseIfIdle(room: Room): void {
    if (!room.idle) return;
    const key = keyOf(room.workshopId, room.docName);
    if (ready.get(key) !== room) return;
    rooms.delete(key);
    ready.delete(key);
    whenGone(
      key,
      room
        .unload()
        .catch((error: unknown) =>
          log.error('room unload failed', { room: key, error: String(error) }),
        ),
    );
  }

  const heartbeat = setInterval(() => {
    for (const room of ready.values()) {
      for (const conn of room.connections.values()) {
        if (!conn.alive) {
          conn.ws.terminate();
          continue;
        }
        conn.alive = false;
        conn.ws.ping();
      }
    }
  }, PING_INTERVAL_MS);
  heartbeat.unref();

  /** Closes one connection for what it sent; the room and everyone else go on. */
  function refuse(ws: WebSocket, key: string, error: unknown): void {
    const full = error instanceof DocumentFullError;
    log.info(
      full ? 'document full; closing that writer' : 'bad Yjs message; closing that connection',
      {
        room: key,
        error: String(error),
      },
    );
    ws.close(
      full ? CloseCode.tooLarge : CloseCode.badMessage,
      full ? 'document size limit' : 'malformed message',
    );
  }

  return {
    async connect(ws, { workshopId, docName, canWrite, mayAnnounce = true, principalId, nameOf }) {
      const key = keyOf(workshopId, docName);
      // Messages may arrive while the room loads: keep them, in order, for when it is ready.
      const early: Uint8Array[] = [];
      let room: Room | null = null;
      let conn: Connection | null = null;
      const handle = (bytes: Uint8Array) => {
        // Frames already received when the connection was closed are not read.
        if (ws.readyState !== ws.OPEN) return;
        if (!room || !conn) {
          if (early.push(bytes) > EARLY_MESSAGES_MAX)
            refuse(ws, key, new MalformedMessage('too many messages before the document loaded'));
          return;
        }
        try {
          room.handleMessage(conn, bytes);
        } catch (error) {
          if (!(error instanceof MalformedMessage) && !(error instanceof DocumentFullError)) {
            log.error('unexpected error on a Yjs message', { room: key, error: String(error) });
          }
          refuse(ws, key, error);
        }
      };
      ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => handle(toBytes(data)));
      ws.on('pong', () => {
        if (conn) conn.alive = true;
      });
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));

      const acquired = acquire(workshopId, docName);
      acquired.then(
        (r) => r.holds++,
        () => undefined,
      );
      let loaded: Room;
      try {
        loaded = await acquired;
      } catch (error) {
        log.error('room load failed', { room: key, error: String(error) });
        ws.close(1011, 'could not load document');
        return;
      }
      loaded.holds--;
      if (ws.readyState !== ws.OPEN || loaded.retired) {
        if (loaded.retired) ws.close(1012, 'document reloaded');
        releaseIfIdle(loaded);
        return;
      }
      room = loaded;
      conn = newConnection(ws, {
        canWrite,
        mayAnnounce,
        principalId,
        ...(nameOf ? { nameOf } : {}),
      });
      room.connections.set(ws, conn);
      void closed.then(() => {
        loaded.removeConnection(ws);
        releaseIfIdle(loaded);
      });
      room.greet(conn);
      for (const bytes of early.splice(0)) handle(bytes);
    },

    async withDoc(workshopId, docName, fn) {
      const pending = acquire(workshopId, docName);
      pending.then(
        (r) => r.holds++,
        () => undefined,
      );
      const room = await pending;
      try {
        const result = await fn(room.doc);
        // What fn changed is stored before the caller is answered (rejects if the store failed).
        await room.afterPending(() => undefined);
        return result;
      } finally {
        room.holds--;
        releaseIfIdle(room);
      }
    },

    async compactNow(workshopId, docName) {
      const room = await acquire(workshopId, docName);
      room.holds++;
      try {
        await room.afterPending(() => room.compact());
      } finally {
        room.holds--;
        releaseIfIdle(room);
      }
    },

    resync(workshopId) {
      for (const room of ready.values()) {
        if (room.workshopId !== workshopId) continue;
        for (const conn of room.connections.values())
          if (conn.canWrite()) room.requestMissing(conn);
      }
    },

    async purge(workshopId) {
      const prefix = `${workshopId}/`;
      const mine = [...rooms.entries()].filter(([key]) => key.startsWith(prefix));
      for (const [key, loading] of mine) {
        let room: Room;
        try {
          room = await loading;
        } catch {
          continue;
        }
        room.retired = 'deleted';
        if (ready.get(key) === room) ready.delete(key);
        if (rooms.get(key) === loading) rooms.delete(key);
        for (const conn of room.connections.values())
          conn.ws.close(CloseCode.notFound, 'workshop deleted');
        whenGone(
          key,
          room.settled().then(() => room.dispose()),
        );
      }
      await Promise.allSettled(
        [...unloading.entries()].filter(([key]) => key.startsWith(prefix)).map(([, done]) => done),
      );
    },

    observe(observer) {
      observers.push(observer);
      for (const room of ready.values()) startObserving(room, observer);
    },

    disconnectPrincipal(workshopId, principalId, code, reason) {
      for (const room of ready.values()) {
        if (room.workshopId !== workshopId) continue;
        for (const conn of room.connections.values())
          if (conn.principalId === principalId) conn.ws.close(code, reason);
      }
    },

    disconnect(workshopId, predicate, code, reason) {
      for (const room of ready.values()) {
        if (room.workshopId !== workshopId || !predicate(room.docName)) continue;
        for (const conn of room.connections.values()) conn.ws.close(code, reason);
      }
    },

    stats() {
      let connections = 0;
      for (const room of ready.values()) connections += room.connections.size;
      return { rooms: ready.size, connections };
    },

    isLoaded(workshopId, docName) {
      return rooms.has(keyOf(workshopId, docName));
    },

    async close() {
      clearInterval(heartbeat);
      const all = await Promise.allSettled(rooms.values());
      for (const result of all) {
        if (result.status !== 'fulfilled') continue;
        for (const conn of result.value.connections.values())
          conn.ws.close(CloseCode.goingAway, 'server shutting down');
      }
      await Promise.allSettled(
        all.flatMap((r) => (r.status === 'fulfilled' ? [r.value.unload()] : [])),
      );
      rooms.clear();
      ready.clear();
      await Promise.allSettled(unloading.values());
    },
  };
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
