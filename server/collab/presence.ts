// A room's awareness (who is here, which card they edit), kept per connection: only from
// connections that may write the document in principle, for the client ids each announced first,
// each state small, at a bounded rate; changes fold into one message per connection. With several
// processes, what this process's connections announce is relayed to the others (and theirs here).
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { WebSocket } from 'ws';
import type * as Y from 'yjs';
import { LIMITS } from '../../shared/limits.js';
import { MalformedMessage, readAwarenessEntries } from './guard.js';
import { MessageType, send } from './messages.js';
import type { Connection } from './room.js';

/**
 * Awareness changes of a room fold into one message per this window. Measured at 1000
 * participants in a 15 s renewal storm: 50 ms gave p99 89–119 ms, 200–500 ms gave 44–91 ms; a
 * person sees another's focus move a fifth of a second later.
 */
const AWARENESS_FOLD_MS = 200;
/**
 * Awareness messages one connection may send: a burst of 40, then 20 per second (a caret that
 * moves with every keystroke of a fast typist). Beyond it messages are dropped; the next one
 * carries the latest state anyway.
 */
const AWARENESS_BURST = 40;
const AWARENESS_PER_SECOND = 20;

interface AwarenessChanges {
  added: number[];
  updated: number[];
  removed: number[];
}

/** A connection's awareness budget when it opens: a full burst. */
export function newBucket(): { awarenessTokens: number; awarenessRefilledAt: number } {
  return { awarenessTokens: AWARENESS_BURST, awarenessRefilledAt: Date.now() };
}

/** The origin of awareness changes that came from another process. */
const FROM_PEERS = Symbol('awareness from another process');

export class Presence {
  readonly awareness: awarenessProtocol.Awareness;
  /** Which connection announced each client id: nobody else may speak for it. */
  private readonly owners = new Map<number, Connection>();
  /** Client ids changed since the last flush, and the timer of the next flush. */
  private readonly changed = new Set<number>();
  private flushTimer: NodeJS.Timeout | null = null;
  /** Hands this process's connections' awareness changes to the other processes (room link). */
  relay: ((update: Uint8Array) => void) | null = null;

  constructor(
    doc: Y.Doc,
    private readonly connections: Map<WebSocket, Connection>,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null);
    this.awareness.on('update', (changes: AwarenessChanges, origin: unknown) =>
      this.onUpdate(changes, origin),
    );
  }

  /** An awareness message from a connection: what it may say is applied, the rest dropped. */
  receive(conn: Connection, update: Uint8Array): void {
    const entries = readAwarenessEntries(update);
    if (!conn.mayAnnounce || !takeToken(conn)) return;
    const kept = entries.filter((entry) => {
      if (entry.json.length > LIMITS.awarenessStateBytes) return false;
      const owner = this.owners.get(entry.clientId);
      if (owner === conn) return true;
      // A tab that reconnects before its old connection is found dead takes its ids back;
      // nobody takes over another person's.
      if (
        owner !== undefined &&
        (owner.principalId === undefined || owner.principalId !== conn.principalId)
      ) {
        return false;
      }
      if (conn.awarenessIds.size >= LIMITS.awarenessClientsPerConnection) return false;
      owner?.awarenessIds.delete(entry.clientId);
      this.owners.set(entry.clientId, conn);
      conn.awarenessIds.add(entry.clientId);
      return true;
    });
    if (kept.length === 0) return;
    const name = conn.nameOf?.();
    if (name === null) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, kept.length);
    for (const entry of kept) {
      encoding.writeVarUint(encoder, entry.clientId);
      encoding.writeVarUint(encoder, entry.clock);
      encoding.writeVarString(
        encoder,
        name === undefined ? entry.json : stampName(entry.json, name),
      );
    }
    const accepted = encoding.toUint8Array(encoder);
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, accepted, conn.ws);
    } catch (error) {
      throw new MalformedMessage(`awareness state is not JSON: ${String(error)}`);
    }
    this.relay?.(accepted);
  }

  /**
   * Awareness another process accepted from its own connections: applied as it is (its rules
   * were checked there) and folded to this process's connections like any change.
   */
  receiveFromPeers(update: Uint8Array): void {
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, FROM_PEERS);
    } catch {
      // A process of the same deployment sent it: a malformed one is dropped, not fatal.
    }
  }

  /** The states this process's own connections announced, encoded (for a process that asks). */
  encodeOwn(): Uint8Array | null {
    const ids = [...this.owners.keys()].filter((id) => this.awareness.getStates().has(id));
    return ids.length > 0 ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null;
  }

  private onUpdate(changes: AwarenessChanges, origin: unknown): void {
    const conn = origin instanceof Object ? this.connections.get(origin as WebSocket) : undefined;
    if (conn) {
      for (const id of changes.added) {
        conn.awarenessIds.add(id);
        this.owners.set(id, conn);
      }
    }
    for (const id of changes.removed) {
      this.owners.get(id)?.awarenessIds.delete(id);
      this.owners.delete(id);
    }
    for (const id of [...changes.added, ...changes.updated, ...changes.removed])
      this.changed.add(id);
    this.flushTimer ??= setTimeout(() => this.flush(), AWARENESS_FOLD_MS);
  }

  /**
   * Sends every change of the last AWARENESS_FOLD_MS as one message per connection. Carets and
   * presence tolerate the delay; a room of 20 renewing or moving carets together costs 20
   * messages instead of 400, and every provider renews its state every 15 s.
   */
  private flush(): void {
    this.flushTimer = null;
    const changed = [...this.changed];
    this.changed.clear();
    if (changed.length === 0 || this.connections.size === 0) return;
    const message = this.encode(changed);
    for (const c of this.connections.values()) send(c.ws, message);
  }

  /** Every state the room keeps, to one connection (a newcomer, or an awareness query). */
  sendAll(ws: WebSocket): void {
    const ids = [...this.awareness.getStates().keys()];
    if (ids.length > 0) send(ws, this.encode(ids));
  }

  private encode(clientIds: number[]): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.awareness);
    encoding.writeVarUint8Array(
      encoder,
      awarenessProtocol.encodeAwarenessUpdate(this.awareness, clientIds),
    );
    return encoding.toUint8Array(encoder);
  }

  /** A connection closed: the states it announced go (and peers are told). */
  forget(conn: Connection): void {
    if (conn.awarenessIds.size > 0) {
      const ids = [...conn.awarenessIds];
      awarenessProtocol.removeAwarenessStates(this.awareness, ids, null);
      // The removal (null states, clocks moved on) tells the other processes too; only ids the
      // awareness knows can be encoded (one a client announced and never gave a state has none).
      const known = ids.filter((id) => this.awareness.meta.has(id));
      if (this.relay && known.length > 0)
        this.relay(awarenessProtocol.encodeAwarenessUpdate(this.awareness, known));
    }
  }

  destroy(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.awareness.destroy();
  }
}

/**
 * The state with `user.name` set to the authoritative name (anonymity, issue 16): a state without
 * a `user` object gets none added; one that is not JSON is left for applyAwarenessUpdate to refuse.
 */
function stampName(json: string, name: string): string {
  let state: unknown;
  try {
    state = JSON.parse(json);
  } catch {
    return json;
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return json;
  const user = (state as { user?: unknown }).user;
  if (typeof user !== 'object' || user === null || Array.isArray(user)) return json;
  if ((user as { name?: unknown }).name === name) return json;
  return JSON.stringify({ ...state, user: { ...user, name } });
}

function takeToken(conn: Connection): boolean {
  const now = Date.now();
  const refill = ((now - conn.awarenessRefilledAt) / 1000) * AWARENESS_PER_SECOND;
  conn.awarenessTokens = Math.min(AWARENESS_BURST, conn.awarenessTokens + refill);
  conn.awarenessRefilledAt = now;
  if (conn.awarenessTokens < 1) return false;
  conn.awarenessTokens -= 1;
  return true;
}
