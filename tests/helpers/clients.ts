// Real clients for integration tests: the stock y-websocket provider and socket.io-client.
import { io, type Socket } from 'socket.io-client';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol.js';
import { waitFor } from './wait.js';

export interface YClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Close code of the last close, if the server closed the connection. */
  closes: number[];
  destroy(): void;
}

export function connectDoc(
  baseUrl: string,
  workshopId: string,
  docName: string,
  token: string | null,
  options: { connect?: boolean } = {},
): YClient {
  const doc = new Y.Doc();
  const closes: number[] = [];
  const provider = new WebsocketProvider(
    `${baseUrl.replace(/^http/, 'ws')}/yjs/${workshopId}`,
    docName,
    doc,
    {
      params: token === null ? {} : { token },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      connect: options.connect ?? true,
      // Tests observe refusals: do not hammer the server with reconnections meanwhile.
      maxBackoffTime: 200,
    },
  );
  provider.on('connection-close', (event) => {
    if (event) closes.push(event.code);
  });
  return {
    doc,
    provider,
    closes,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

export async function synced(client: YClient, timeout = 5000): Promise<void> {
  await waitFor(() => client.provider.synced, { timeout, message: 'provider synced' });
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectSocket(baseUrl: string, token: string | undefined): TestSocket {
  return io(baseUrl, {
    path: '/socket.io',
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

/** Sends a command and resolves with its ack. */
export function command<E extends keyof ClientToServerEvents>(
  socket: TestSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]> {
  return new Promise((resolve) => {
    // The event maps type each command's ack; the generic emit cannot see through E here.
    (socket.emit as (e: string, p: unknown, ack: (a: Ack<unknown>) => void) => void)(
      event,
      payload,
      (answer) => resolve(answer as never),
    );
  });
}

/**
 * Returns once the server has handled every message `client` sent before this call: a
 * connection's messages are handled in order, and the server answers a sync step 1 (sent here on
 * the raw socket) only after what came before it. Works for read-only connections too.
 */
export async function handledBy(client: YClient, timeout = 5000): Promise<void> {
  const ws = client.provider.ws;
  if (!ws) throw new Error('the provider has no socket');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.removeEventListener('message', onMessage);
      reject(new Error('Timed out waiting for the server to answer a sync step 1'));
    }, timeout);
    function onMessage(event: { data: unknown }) {
      const bytes = new Uint8Array(event.data as ArrayBuffer);
      // [0 = sync, 1 = step 2, …]
      if (bytes[0] === 0 && bytes[1] === 1) {
        clearTimeout(timer);
        ws!.removeEventListener('message', onMessage);
        resolve();
      }
    }
    ws.addEventListener('message', onMessage);
    // A state vector of the full document asks for nothing new: the answer is small.
    const sv = Y.encodeStateVector(client.doc);
    ws.send(new Uint8Array([0, 0, ...varUint(sv.length), ...sv]));
  });
}

function varUint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** A raw WebSocket on a document, recording the messages it receives and its close code. */
export function rawYjsSocket(wsUrl: string, workshopId: string, docName: string, token: string) {
  const url = `${wsUrl}/yjs/${workshopId}/${docName}?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url);
  const state = {
    messages: 0,
    received: [] as Uint8Array[],
    closeCode: null as number | null,
    opened: false,
  };
  ws.on('open', () => {
    state.opened = true;
  });
  ws.on('message', (data: Buffer) => {
    state.messages++;
    state.received.push(new Uint8Array(data));
  });
  ws.on('close', (code) => {
    state.closeCode = code;
  });
  return { ws, state };
}
