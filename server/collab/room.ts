// One open document: its Y.Doc, its connections (their awareness is presence.ts), its write queue to the
// store. Durability invariant: an update is appended to the store before any peer is sent it,
// and sync answers that carry document state wait for pending appends too. While one append is
// in flight, the next updates wait in an outbox and go out merged, as one log row and one message.
// Three failures stay apart: a message that cannot be decoded or applied closes its sender only;
// a storage failure retires the room (every connection closed, the room dropped so the next
// connection reloads it from disk); a compaction failure is logged and retried later.
// With several processes (server/scale/replication.ts), a room also takes in the rows other
// processes appended to the log: already stored, they go to its clients at once.
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import type { WebSocket } from 'ws';
import * as Y from 'yjs';
import { LIMITS } from '../../shared/limits.js';
import type { Store, StoredDoc } from '../store/store.js';
import { findOverLimits } from './effects.js';
import { MalformedMessage, checkStateVector, checkUpdate } from './guard.js';
import { MessageType, SyncType, send } from './messages.js';
import { Presence, newBucket } from './presence.js';

/** Over-limit updates (see effects.ts) one connection may send before it is closed. */
const OVER_LIMIT_TOLERANCE = 5;
/** How often, at most, a connection whose updates lack their dependencies is asked for them. */
const ASK_MISSING_EVERY_MS = 1000;

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface Connection {
  ws: WebSocket;
  canWrite: () => boolean;
  /** May announce awareness here (a writer of this document in principle: its group, the facilitator). */
  mayAnnounce: boolean;
  principalId: string | undefined;
  /**
   * The name this connection's awareness states carry, whatever the client wrote (anonymity,
   * issue 16; nobody speaks under another's name); absent: the client's own. Null: drop the state.
   */
  nameOf?: () => string | null;
  /** Awareness client ids this connection has announced; removed when it closes. */
  awarenessIds: Set<number>;
  /** Its awareness rate budget (presence.ts). */
  awarenessTokens: number;
  awarenessRefilledAt: number;
  overLimits: number;
  askedMissingAt: number;
  alive: boolean;
}

/** An update that would take a document past LIMITS.documentBytes. */
export class DocumentFullError extends Error {
  constructor() {
    super('document size limit reached');
  }
}

/** The origin of updates read back from the log (another process appended them): never appended again. */
export const FROM_LOG = Symbol('from the log');

/** A row of the document's log, read back by the replication. */
export interface LogRow {
  seq: number;
  update: Uint8Array;
}

/**
 * The room's tie to the other processes (server/scale/replication.ts); absent on one process.
 * The log in the database is the truth; what the link says over the bus is only a hint.
 */
export interface RoomLink {
  /** This process appended an update at `seq` and sent it to its own clients. */
  appended(seq: number): void;
  /** This process's clients changed their awareness (an encoded awareness update). */
  awareness(update: Uint8Array): void;
  /** Reads and applies every log row not yet in the document (before a compaction). */
  catchUp(): Promise<void>;
}

/** The store refused a write: the room's memory is ahead of the disk. */
class StorageFailure extends Error {}

/** The room cannot serve any more (storage failed, or its document was damaged): drop it. */
export type RetireReason = 'storage' | 'damaged' | 'deleted';

export class Room {
  readonly doc = new Y.Doc({ gc: true });
  readonly connections = new Map<WebSocket, Connection>();
  readonly presence = new Presence(this.doc, this.connections);
  holds = 0;
  /** What observers asked to run when the room unloads. */
  readonly onUnload: (() => void)[] = [];
  /** Set once the room may not write: nothing is applied, nothing answered. */
  retired: RetireReason | null = null;
  /** Appends to the store, in document order; broadcasts and sync answers chain on it. */
  private pending: Promise<void> = Promise.resolve();
  /** Updates applied to the document and not yet handed to the store, with their connection. */
  private outbox: { update: Uint8Array; origin: unknown }[] = [];
  private lastSeq: number;
  /** Every log row up to this seq is in the document (the replication reads from here on). */
  private readThroughSeq: number;
  /** Rows this process appended past readThroughSeq: read back, they are not applied again. */
  private readonly ownSeqs = new Set<number>();
  /** Set by the replication when several processes share the database. */
  link: RoomLink | null = null;
  private dirtySinceCompaction = false;
  /** Bytes the document holds in the store or on their way there: its state plus the log since (an upper bound). */
  private storedBytes = 0;
  /** Types changed by the connection update being applied (see applyFrom). */
  private changedByConnection: Y.Transaction['changed'][] = [];

  constructor(
    readonly workshopId: string,
    readonly docName: string,
    private readonly store: Store,
    private readonly compactAfter: number,
    private readonly log: Logger,
    stored: StoredDoc,
    private readonly retire: (room: Room, reason: RetireReason) => void,
  ) {
    this.lastSeq = stored.lastSeq;
    this.readThroughSeq = stored.lastSeq;
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
    this.doc.on('update', (update: Uint8Array, origin: unknown) =>
      this.onDocUpdate(update, origin),
    );
    this.doc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (this.connections.has(transaction.origin as WebSocket)) {
        this.changedByConnection.push(transaction.changed);
      }
    });
  }

  /**
   * Runs `task` once every update applied to the document is in the store, including those
   * applied while earlier tasks waited (a sync answer must not carry an update not yet stored).
   * Rejects with the task's error, or with the storage failure that kept it from running; a
   * storage failure also retires the room, a task's own error does not.
   */
  afterPending<T>(task: () => T | Promise<T>): Promise<T> {
    const run = this.pending.then(async () => {
      if (this.retired) throw new StorageFailure(`room retired (${this.retired})`);
      try {
        await this.writeOutbox();
      } catch (error) {
        this.fail(error);
        throw new StorageFailure(String(error));
      }
      return task();
    });
    this.pending = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private onDocUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === FROM_LOG) {
      // Read from the database: stored already, so it goes to every client now, outside the
      // outbox (which holds what this process has still to store).
      this.storedBytes += update.byteLength;
      const message = updateMessage(update);
      for (const conn of this.connections.values()) send(conn.ws, message);
      return;
    }
    this.outbox.push({ update, origin });
    // Counted when applied, not when stored: the size check of the next message must see it.
    this.storedBytes += update.byteLength;
    // One write per batch: updates that arrive while a write is in flight join the next one.
    if (this.outbox.length === 1) this.afterPending(() => undefined).catch(() => undefined);
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
    if (this.link && seq > this.readThroughSeq) this.ownSeqs.add(seq);
    this.dirtySinceCompaction = true;
    const message = updateMessage(update);
    // A single update skips its writer. A merged one goes to everyone: one message per
    // connection instead of one per update, and Yjs ignores the part a client already has.
    const skip = batch.length === 1 ? batch[0]!.origin : undefined;
    for (const conn of this.connections.values()) if (conn.ws !== skip) send(conn.ws, message);
    this.link?.appended(seq);
    if (logLength >= this.compactAfter) await this.compact();
  }

  /**
   * Folds the log into one state row. Best effort: the log alone is complete, so a failure
   * (a full disk refusing the larger row) is logged and tried again at the next threshold.
   */
  async compact(): Promise<void> {
    if (!this.dirtySinceCompaction || this.retired) return;
    try {
      // Several processes append to one log: rows of the others below this process's last seq
      // may not be in this document yet. The state may replace only rows it holds.
      if (this.link) await this.link.catchUp();
      const through = this.link ? this.readThroughSeq : this.lastSeq;
      const state = Y.encodeStateAsUpdate(this.doc);
      await this.store.compactDoc(this.workshopId, this.docName, state, through);
      this.storedBytes = state.byteLength;
      this.dirtySinceCompaction = false;
    } catch (error) {
      this.log.error('compaction failed; the log is kept and compaction retried later', {
        room: `${this.workshopId}/${this.docName}`,
        error: String(error),
      });
    }
  }

  /** Every log row up to this seq is in the document. */
  get readThrough(): number {
    return this.readThroughSeq;
  }

  /**
   * Applies what the replication read from the log after readThrough: the compacted state when
   * a compaction happened since the last read (its rows are gone), then the rows (this process's own are skipped). Each goes
   * to this process's clients as it is applied (see onDocUpdate).
   */
  applyLog(read: { state: Uint8Array | null; rows: LogRow[] }): void {
    if (this.retired) return;
    try {
      if (read.state) Y.applyUpdate(this.doc, read.state, FROM_LOG);
      for (const row of read.rows) {
        if (row.seq <= this.readThroughSeq || this.ownSeqs.has(row.seq)) continue;
        Y.applyUpdate(this.doc, row.update, FROM_LOG);
      }
    } catch (error) {
      // The log holds only what a room applied before storing it: this is a damaged row.
      this.log.error('a log row could not be applied; reloading the document', {
        room: `${this.workshopId}/${this.docName}`,
        error: String(error),
      });
      this.retired = 'damaged';
      this.retire(this, 'damaged');
      return;
    }
    const last = read.rows.at(-1)?.seq ?? 0;
    if (last > this.readThroughSeq) this.readThroughSeq = last;
    for (const seq of this.ownSeqs) if (seq <= this.readThroughSeq) this.ownSeqs.delete(seq);
  }

  /** Storage failed: the memory copy is ahead of the store. Every client must reconnect and resync. */
  private fail(error: unknown): void {
    if (this.retired) return;
    this.log.error('room storage failed; its clients reconnect to a copy reloaded from disk', {
      room: `${this.workshopId}/${this.docName}`,
      error: String(error),
    });
    this.retired = 'storage';
    this.retire(this, 'storage');
  }

  /** Handles one message; throws on anything malformed (the caller closes that connection). */
  handleMessage(conn: Connection, data: Uint8Array): void {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.sync:
        this.handleSync(conn, decoder);
        break;
      case MessageType.awareness:
        this.presence.receive(conn, decoding.readVarUint8Array(decoder));
        break;
      case MessageType.queryAwareness:
        this.presence.sendAll(conn.ws);
        break;
      case MessageType.auth:
        break; // Authentication happens at the upgrade; the auth message type is unused.
      default:
        throw new MalformedMessage(`unknown message type ${type}`);
    }
  }

  private handleSync(conn: Connection, decoder: decoding.Decoder): void {
    const syncType = decoding.readVarUint(decoder);
    if (syncType === SyncType.step1) {
      const stateVector = decoding.readVarUint8Array(decoder);
      // Checked here, not in the queue: a bad state vector is its sender's fault alone.
      checkStateVector(stateVector);
      this.afterPending(() => {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MessageType.sync);
        syncProtocol.writeSyncStep2(encoder, this.doc, stateVector);
        send(conn.ws, encoding.toUint8Array(encoder));
      }).catch(() => undefined); // A retired room has closed this connection already.
    } else if (syncType === SyncType.step2 || syncType === SyncType.update) {
      const update = decoding.readVarUint8Array(decoder);
      // A read-only client's changes are dropped here: nothing applied, nothing relayed.
      if (!conn.canWrite() || this.retired) return;
      checkUpdate(update);
      // A document has a size limit: past it, this writer is closed and nothing is applied.
      if (this.storedBytes + this.pendingBytes() + update.byteLength > LIMITS.documentBytes) {
        throw new DocumentFullError();
      }
      this.applyFrom(conn, update);
    } else {
      throw new MalformedMessage(`unknown sync message type ${syncType}`);
    }
  }

  /**
   * Applies a connection's update, then holds the result to the schema's limits and bounds what
   * waits for missing dependencies. An update that Yjs cannot apply leaves the document in an
   * unknown state: its part of the outbox is dropped and the room is reloaded from disk.
   */
  private applyFrom(conn: Connection, update: Uint8Array): void {
    const outboxBefore = this.outbox.length;
    this.changedByConnection = [];
    try {
      Y.applyUpdate(this.doc, update, conn.ws);
    } catch (error) {
      this.outbox.length = outboxBefore;
      this.log.error('an update could not be applied; reloading the document from disk', {
        room: `${this.workshopId}/${this.docName}`,
        error: String(error),
      });
      this.retired = 'damaged';
      this.retire(this, 'damaged');
      throw new MalformedMessage(`update not applicable: ${String(error)}`);
    }
    const fixes = this.changedByConnection.flatMap((changed) => findOverLimits(this.doc, changed));
    this.changedByConnection = [];
    if (fixes.length > 0) {
      // Stored and sent with the update that needed it: every replica ends within the limits.
      this.doc.transact(() => {
        for (const fix of fixes) fix();
      }, 'limits');
      if (++conn.overLimits > OVER_LIMIT_TOLERANCE) {
        throw new MalformedMessage('updates past the schema limits, again and again');
      }
    }
    if (this.pendingBytes() > 0) this.boundPending(conn);
  }

  /** Bytes of updates the document holds without their dependencies (never applied, never stored). */
  private pendingBytes(): number {
    const store = this.doc.store as unknown as {
      pendingStructs: { update: Uint8Array } | null;
      pendingDs: Uint8Array | null;
    };
    return (store.pendingStructs?.update.byteLength ?? 0) + (store.pendingDs?.byteLength ?? 0);
  }

  /**
   * Updates whose dependencies are missing wait in the document and are merged again with every
   * later message. An honest client is asked for what is missing (sync step 1: its answer holds
   * every update the server lacks); past LIMITS.pendingBytes the waiting updates are dropped and
   * the sender closed.
   */
  private boundPending(conn: Connection): void {
    if (this.pendingBytes() > LIMITS.pendingBytes) {
      const store = this.doc.store as unknown as { pendingStructs: unknown; pendingDs: unknown };
      store.pendingStructs = null;
      store.pendingDs = null;
      throw new MalformedMessage('too many updates without their dependencies');
    }
    const now = Date.now();
    if (now - conn.askedMissingAt >= ASK_MISSING_EVERY_MS) {
      conn.askedMissingAt = now;
      this.requestMissing(conn);
    }
  }

  /** The opening of the protocol: our state vector (so the client sends what we lack) and presence. */
  greet(conn: Connection): void {
    this.requestMissing(conn);
    this.presence.sendAll(conn.ws);
  }

  /** Sync step 1: the client answers with every update the server lacks. */
  requestMissing(conn: Connection): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    send(conn.ws, encoding.toUint8Array(encoder));
  }

  removeConnection(ws: WebSocket): void {
    const conn = this.connections.get(ws);
    if (!conn) return;
    this.connections.delete(ws);
    this.presence.forget(conn);
  }

  get idle(): boolean {
    return this.connections.size === 0 && this.holds === 0;
  }

  /** Resolves once the appends already queued have ended, whatever their outcome. */
  settled(): Promise<void> {
    return this.pending;
  }

  /** Waits for pending appends, compacts, frees memory. */
  async unload(): Promise<void> {
    try {
      await this.afterPending(() => this.compact());
    } finally {
      this.dispose();
    }
  }

  /**
   * Frees the room without writing (after a storage failure or a damaged document): updates
   * not yet stored are lost here, but were never sent to anyone, and their writers still hold them.
   */
  dispose(): void {
    for (const stop of this.onUnload.splice(0)) stop();
    this.presence.destroy();
    this.doc.destroy();
  }
}

/** A sync update message carrying `update`. */
function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function newConnection(
  ws: WebSocket,
  options: {
    canWrite: () => boolean;
    mayAnnounce: boolean;
    principalId: string | undefined;
    nameOf?: () => string | null;
  },
): Connection {
  return {
    ws,
    ...options,
    awarenessIds: new Set(),
    ...newBucket(),
    overLimits: 0,
    askedMissingAt: 0,
    alive: true,
  };
}
