// The Yjs room layer: one in-memory Y.Doc per open document, spoken to with the standard
// y-websocket protocol (sync + awareness from y-protocols), so the stock WebsocketProvider works
// unchanged. Durability invariant: an update is appended to the store before any peer is sent
// it, and the sync answers that carry document state wait for pending appends too. While one
// append is in flight, the document's next updates wait in an outbox and go out merged, as one
// log row and one message. A room is loaded on first use and leaves memory when its last
// connection and last holder are gone.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/closeCodes.js';
import { LIMITS } from '../../shared/limits.js';
import type { Store, StoredDoc } from '../store/store.js';

/** y-websocket message types (the first varUint of every message). */
const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;
/** y-protocols sync message types. */
const SyncType = { step1: 0, step2: 1, update: 2 } as const;

/**
 * Awareness changes (who is here, which card they edit) of a room fold into one message per this
 * window. Measured at 1000 participants in a 15 s renewal storm: 50 ms gave p99 89–119 ms,
 * 200–500 ms gave 44–91 ms; a person sees another's focus move a fifth of a second later.
 */
const AWARENESS_FOLD_MS = 200;

/** How often dead connections are looked for: a connection that misses one ping is dropped. */
const PING_INTERVAL_MS = 30_000;

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ConnectOptions {
  workshopId: string;
  docName: string;
  /** Asked for every sync-step-2 and update message: write rights change with the phase. */
  canWrite: () => boolean;
  /** Who holds the connection (a participant id, 'facilitator' or 'viewer'): for disconnecting one person. */
  principalId?: string;
}

/** Told of every document once it is loaded; may return a function called when it unloads. */
export type DocObserver = (
  workshopId: string,
  docName: string,
  doc: Y.Doc,
) => (() => void) | void;

export interface Rooms {
  /** Serves one authenticated WebSocket on a document until it closes. */
  connect(ws: WebSocket, options: ConnectOptions): Promise<void>;
  /** Runs `fn` on the live document (loading it if needed); changes made in it are persisted and broadcast. */
  withDoc<T>(workshopId: string, docName: string, fn: (doc: Y.Doc) => T | Promise<T>): Promise<T>;
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
  /** Waits for pending writes, closes every connection, unloads every room. */
  close(): Promise<void>;
}

interface Connection {
  ws: WebSocket;
  canWrite: () => boolean;
  principalId: string | undefined;
  /** Awareness client ids this connection has announced; removed when it closes. */
  awarenessIds: Set<number>;
  alive: boolean;
}

class Room {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connections = new Map<WebSocket, Connection>();
  holds = 0;
  /** What observers asked to run when the room unloads. */
  readonly onUnload: (() => void)[] = [];
  /** Appends to the store, in document order; broadcasts chain on it. */
  private pending: Promise<void> = Promise.resolve();
  /** Awareness clients changed since the last flush, and the timer of the next flush. */
  private readonly awarenessChanged = new Set<number>();
  private awarenessFlush: NodeJS.Timeout | null = null;
  /** Updates applied to the document and not yet handed to the store, with their connection. */
  private outbox: { update: Uint8Array; origin: unknown }[] = [];
  private lastSeq: number;
  private dirtySinceCompaction = false;
  /** Bytes the document holds in the store or on their way there: its state plus the log since (an upper bound). */
  private storedBytes = 0;
  broken = false;

  constructor(
    readonly workshopId: string,
    readonly docName: string,
    private readonly store: Store,
    private readonly compactAfter: number,
    private readonly log: Logger,
    stored: StoredDoc,
  ) {
    this.lastSeq = stored.lastSeq;
    // The stored state goes in before the update handler exists: it is not new, so it is
    // neither appended again nor sent (clients get it through sync step 2).
    const parts = stored.state ? [stored.state, ...stored.updates] : stored.updates;
    // One transaction applying each part: several times faster than Y.mergeUpdates over a long
    // log (measured by the bench's load-after-crash case), with the same result.
    if (parts.length > 0) {
      this.doc.transact(() => {
        for (const part of parts) Y.applyUpdate(this.doc, part);
      });
    }
    for (const part of parts) this.storedBytes += part.byteLength;
    this.dirtySinceCompaction = stored.updates.length >= compactAfter;
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) =>
      this.onDocUpdate(update, origin),
    );
    this.awareness.on('update', (changes: AwarenessChanges, origin: unknown) =>
      this.onAwarenessUpdate(changes, origin),
    );
  }

  /**
   * Runs `task` once every update applied to the document is in the store, including those
   * applied while earlier tasks waited (a sync answer must not carry an update not yet stored).
   */
  afterPending(task: () => void | Promise<void>): Promise<void> {
    const next = this.pending.then(async () => {
      await this.writeOutbox();
      await task();
    });
    this.pending = next.catch((error: unknown) => this.fail(error));
    return this.pending;
  }

  private onDocUpdate(update: Uint8Array, origin: unknown): void {
    this.outbox.push({ update, origin });
    // Counted when applied, not when stored: the size check of the next message must see it.
    this.storedBytes += update.byteLength;
    // One write per batch: updates that arrive while a write is in flight join the next one.
    if (this.outbox.length === 1) void this.afterPending(() => undefined);
  }

  /** Stores what the outbox holds as one log row, then sends it as one message per connection. */
  private async writeOutbox(): Promise<void> {
    const batch = this.outbox;
    this.outbox = [];
    if (batch.length === 0) return;
    const update =
      batch.length === 1 ? batch[0]!.update : Y.mergeUpdates(batch.map((b) => b.update));
    const { seq, logLength } = await this.store.appendUpdate(this.workshopId, this.docName, update);
    this.lastSeq = seq;
    this.dirtySinceCompaction = true;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeUpdate(encoder, update);
    const message = encoding.toUint8Array(encoder);
    // A single update skips its writer. A merged one goes to everyone: one message per
    // connection instead of one per update, and Yjs ignores the part a client already has.
    const skip = batch.length === 1 ? batch[0]!.origin : undefined;
    for (const conn of this.connections.values()) if (conn.ws !== skip) send(conn.ws, message);
    if (logLength >= this.compactAfter) await this.compact();
  }

  async compact(): Promise<void> {
    if (!this.dirtySinceCompaction || this.broken) return;
    const state = Y.encodeStateAsUpdate(this.doc);
    await this.store.compactDoc(this.workshopId, this.docName, state, this.lastSeq);
    this.storedBytes = state.byteLength;
    this.dirtySinceCompaction = false;
  }

  /** Storage failed: the memory copy is ahead of the store. Drop every client so they resync. */
  private fail(error: unknown): void {
    if (this.broken) return;
    this.broken = true;
    this.log.error('room storage failed; closing its connections', {
      room: `${this.workshopId}/${this.docName}`,
      error: String(error),
    });
    for (const conn of this.connections.values()) conn.ws.close(1011, 'storage failure');
  }

  private onAwarenessUpdate(changes: AwarenessChanges, origin: unknown): void {
    const conn = origin instanceof Object ? this.connections.get(origin as WebSocket) : undefined;
    if (conn) {
      for (const id of changes.added) conn.awarenessIds.add(id);
      for (const id of changes.removed) conn.awarenessIds.delete(id);
    }
    for (const id of changes.added) this.awarenessChanged.add(id);
    for (const id of changes.updated) this.awarenessChanged.add(id);
    for (const id of changes.removed) this.awarenessChanged.add(id);
    this.awarenessFlush ??= setTimeout(() => this.flushAwareness(), AWARENESS_FOLD_MS);
  }

  /**
   * Sends every awareness change of the last AWARENESS_FOLD_MS as one message per connection.
   * Carets and presence tolerate the delay; a room of 20 renewing or moving carets together
   * costs 20 messages instead of 400, and every provider renews its state every 15 s.
   */
  private flushAwareness(): void {
    this.awarenessFlush = null;
    const changed = [...this.awarenessChanged];
    this.awarenessChanged.clear();
    if (changed.length === 0 || this.connections.size === 0) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.awareness);
    encoding.writeVarUint8Array(
      encoder,
      awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed),
    );
    const message = encoding.toUint8Array(encoder);
    for (const c of this.connections.values()) send(c.ws, message);
  }

  /** Handles one message; throws on anything malformed (the caller closes that connection). */
  handleMessage(conn: Connection, data: Uint8Array): void {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.sync: {
        const syncType = decoding.readVarUint(decoder);
        if (syncType === SyncType.step1) {
          const stateVector = decoding.readVarUint8Array(decoder);
          void this.afterPending(() => {
            const encoder = encoding.createEncoder();
            encoding.writeVarUint(encoder, MessageType.sync);
            syncProtocol.writeSyncStep2(encoder, this.doc, stateVector);
            send(conn.ws, encoding.toUint8Array(encoder));
          });
        } else if (syncType === SyncType.step2 || syncType === SyncType.update) {
          const update = decoding.readVarUint8Array(decoder);
          // A read-only client's changes are dropped here: nothing applied, nothing relayed.
          if (!conn.canWrite() || this.broken) break;
          // A document has a size limit: past it, this writer is closed and nothing is applied.
          if (this.storedBytes + update.byteLength > LIMITS.documentBytes) {
            throw new DocumentFullError();
          }
          Y.applyUpdate(this.doc, update, conn.ws);
        } else {
          throw new Error(`unknown sync message type ${syncType}`);
        }
        break;
      }
      case MessageType.awareness:
        awarenessProtocol.applyAwarenessUpdate(
          this.awareness,
          decoding.readVarUint8Array(decoder),
          conn.ws,
        );
        break;
      case MessageType.queryAwareness:
        this.sendAwareness(conn.ws);
        break;
      case MessageType.auth:
        break; // Authentication happens at the upgrade; the auth message type is unused.
      default:
        throw new Error(`unknown message type ${type}`);
    }
  }

  /** The opening of the protocol: our state vector (so the client sends what we lack) and presence. */
  greet(conn: Connection): void {
    this.requestMissing(conn);
    this.sendAwareness(conn.ws);
  }

  /** Sync step 1: the client answers with every update the server lacks. */
  requestMissing(conn: Connection): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    send(conn.ws, encoding.toUint8Array(encoder));
  }

  private sendAwareness(ws: WebSocket): void {
    const states = this.awareness.getStates();
    if (states.size === 0) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.awareness);
    encoding.writeVarUint8Array(
      encoder,
      awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()]),
    );
    send(ws, encoding.toUint8Array(encoder));
  }

  removeConnection(ws: WebSocket): void {
    const conn = this.connections.get(ws);
    if (!conn) return;
    this.connections.delete(ws);
    if (conn.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.awarenessIds], null);
    }
  }

  get idle(): boolean {
    return this.connections.size === 0 && this.holds === 0;
  }

  /** Waits for pending appends, compacts, frees memory. */
  async unload(): Promise<void> {
    await this.afterPending(() => this.compact());
    for (const stop of this.onUnload.splice(0)) stop();
    if (this.awarenessFlush) clearTimeout(this.awarenessFlush);
    this.awareness.destroy();
    this.doc.destroy();
  }
}

/** An update that would take a document past LIMITS.documentBytes. */
class DocumentFullError extends Error {
  constructor() {
    super('document size limit reached');
  }
}

interface AwarenessChanges {
  added: number[];
  updated: number[];
  removed: number[];
}

function send(ws: WebSocket, message: Uint8Array): void {
  if (ws.readyState !== ws.OPEN) return;
  ws.send(message, (error) => {
    if (error) ws.terminate();
  });
}

export function createRooms(deps: { store: Store; compactAfter: number; log: Logger }): Rooms {
  const { store, compactAfter, log } = deps;
  const rooms = new Map<string, Promise<Room>>();
  /** The same rooms once loaded, for synchronous walks (stats, heartbeat). */
  const ready = new Map<string, Room>();
  /** Rooms being written out; a reload of the same document waits for it. */
  const unloading = new Map<string, Promise<void>>();
  const keyOf = (workshopId: string, docName: string) => `${workshopId}/${docName}`;
  const observers: DocObserver[] = [];
  const startObserving = (room: Room, observer: DocObserver) => {
    const stop = observer(room.workshopId, room.docName, room.doc);
    if (stop) room.onUnload.push(stop);
  };

  async function load(workshopId: string, docName: string): Promise<Room> {
    const key = keyOf(workshopId, docName);
    await unloading.get(key);
    const stored = await store.loadDoc(workshopId, docName);
    const room = new Room(workshopId, docName, store, compactAfter, log, stored);
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
      room.catch(() => rooms.delete(key));
    }
    return room;
  }

  function releaseIfIdle(room: Room): void {
    if (!room.idle) return;
    const key = keyOf(room.workshopId, room.docName);
    if (ready.get(key) !== room) return;
    rooms.delete(key);
    ready.delete(key);
    const done = room
      .unload()
      .catch((error: unknown) =>
        log.error('room unload failed', { room: key, error: String(error) }),
      )
      .finally(() => {
        if (unloading.get(key) === done) unloading.delete(key);
      });
    unloading.set(key, done);
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

  return {
    async connect(ws, { workshopId, docName, canWrite, principalId }) {
      // Messages may arrive while the room loads: keep them, in order, for when it is ready.
      const early: Uint8Array[] = [];
      let room: Room | null = null;
      let conn: Connection | null = null;
      const handle = (bytes: Uint8Array) => {
        if (!room || !conn) {
          early.push(bytes);
          return;
        }
        try {
          room.handleMessage(conn, bytes);
        } catch (error) {
          const full = error instanceof DocumentFullError;
          log.info(
            full
              ? 'document full; closing that writer'
              : 'malformed Yjs message; closing that connection',
            {
              room: keyOf(workshopId, docName),
              error: String(error),
            },
          );
          ws.close(
            full ? CloseCode.tooLarge : CloseCode.badMessage,
            full ? 'document size limit' : 'malformed message',
          );
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
        log.error('room load failed', { room: keyOf(workshopId, docName), error: String(error) });
        ws.close(1011, 'could not load document');
        return;
      }
      loaded.holds--;
      if (ws.readyState !== ws.OPEN) {
        releaseIfIdle(loaded);
        return;
      }
      room = loaded;
      conn = { ws, canWrite, principalId, awarenessIds: new Set(), alive: true };
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
        return await fn(room.doc);
      } finally {
        room.holds--;
        // Let the appends of what fn changed be queued before an unload looks at the room.
        await room.afterPending(() => undefined);
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
