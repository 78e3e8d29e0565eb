// The clients of the long runs, as the pages open them: a stock WebsocketProvider on one document
// and a socket.io-client socket with the page's reconnection; the refusals the server answered.
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { BACKOFF_MIN_CEILING_MS, BACKOFF_CEILING_SPREAD_MS } from '../../client/lib/backoff.js';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  VotesMine,
} from '../../shared/protocol.js';

export type SimSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Command acks not back in this time are "unknown": the server may or may not have it. */
const ACK_TIMEOUT_MS = 15_000;

export interface Replica {
  workshopId: string;
  docName: string;
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Epoch ms of the last time the provider became synced (0: never). */
  syncedAt: number;
}

/**
 * How fast clients retry after losing the server. The defaults are the page's; a test may want
 * shorter waits (the server is known to come back at once), which shortens the run, not the checks.
 */
export interface Backoff {
  /** The provider's longest wait; the page draws it in [3 s, 6 s) (client/lib/backoff.ts). */
  yjsCeilingMs: () => number;
  /** socket.io-client's reconnectionDelay and reconnectionDelayMax (its defaults: 1 s, 5 s). */
  socketDelayMs: number;
  socketDelayMaxMs: number;
}

export const PAGE_BACKOFF: Backoff = {
  yjsCeilingMs: () => BACKOFF_MIN_CEILING_MS + Math.random() * BACKOFF_CEILING_SPREAD_MS,
  socketDelayMs: 1000,
  socketDelayMaxMs: 5000,
};

// Each stock provider adds a process 'exit' listener; hundreds of them are expected here.
process.setMaxListeners(Math.max(process.getMaxListeners(), 5000));

export function openReplica(
  url: string,
  workshopId: string,
  docName: string,
  token: string,
  backoff: Backoff = PAGE_BACKOFF,
): Replica {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(
    `${url.replace(/^http/, 'ws')}/yjs/${workshopId}`,
    docName,
    doc,
    {
      params: { token },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      // The stock provider's steps are 100 ms doubling up to this ceiling.
      maxBackoffTime: backoff.yjsCeilingMs(),
    },
  );
  const replica: Replica = { workshopId, docName, doc, provider, syncedAt: 0 };
  provider.on('sync', (synced: boolean) => {
    if (synced) replica.syncedAt = Date.now();
  });
  // The server's own close codes (4xxx: refused, rate-limited…), not the network's 1006.
  provider.on('connection-close', (event: { code?: number } | null) => {
    if (event?.code !== undefined && event.code >= 4000) refusals.note(`yjs close ${event.code}`);
  });
  return replica;
}

/** Refusals the server answered connections with, by kind: a run reports them, they explain waits. */
export const refusals = {
  counts: new Map<string, number>(),
  note(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  },
  take(): Record<string, number> {
    const out = Object.fromEntries(this.counts);
    this.counts.clear();
    return out;
  },
};

export function closeReplica(replica: Replica): void {
  replica.provider.destroy();
  replica.doc.destroy();
}

export interface SocketClient {
  socket: SimSocket;
  /** Epoch ms of the first workshop:state after the last connect (0: not since). */
  stateAt: number;
  /** The first votes:mine after the last connect: the server's record of this voter's dots. */
  mineOnConnect: VotesMine | null;
  mineAt: number;
}

/** A socket as the page opens it: reconnection with socket.io's jittered backoff, presence deltas. */
export function openSocket(
  url: string,
  token: string,
  backoff: Backoff = PAGE_BACKOFF,
): SocketClient {
  const socket: SimSocket = io(url, {
    path: '/socket.io',
    auth: { token, presence: 'delta' },
    transports: ['websocket'],
    randomizationFactor: 0.5,
    reconnectionDelay: backoff.socketDelayMs,
    reconnectionDelayMax: backoff.socketDelayMaxMs,
    forceNew: true,
  });
  const client: SocketClient = { socket, stateAt: 0, mineOnConnect: null, mineAt: 0 };
  socket.on('connect', () => {
    client.stateAt = 0;
    client.mineOnConnect = null;
    client.mineAt = 0;
  });
  // As the page does (client/lib/session.svelte.ts): a refusal by the server's middleware stops
  // socket.io's own reconnection, so try again 2–5 s later; a refused token is final.
  socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
    const code = error.data?.code;
    if (code) refusals.note(`socket ${code}`);
    if (code === 'unauthorized' || socket.active) return;
    setTimeout(() => socket.connect(), 2000 + Math.random() * 3000);
  });
  socket.on('workshop:state', () => {
    if (client.stateAt === 0) client.stateAt = Date.now();
  });
  socket.on('votes:mine', (mine) => {
    if (client.mineOnConnect === null) {
      client.mineOnConnect = mine;
      client.mineAt = Date.now();
    }
  });
  return client;
}

/** Sends a command; resolves with its ack, or with null when none came (timeout, disconnect). */
export function ask<E extends keyof ClientToServerEvents>(
  socket: SimSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
  timeoutMs = ACK_TIMEOUT_MS,
): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0] | null> {
  return new Promise((resolve) => {
    // The event maps type each command's ack; the generic emit cannot see through E here.
    (
      socket.timeout(timeoutMs).emit as (
        e: string,
        p: unknown,
        ack: (err: unknown, a: unknown) => void,
      ) => void
    )(event, payload, (err, answer) => resolve(err ? null : (answer as never)));
  });
}
