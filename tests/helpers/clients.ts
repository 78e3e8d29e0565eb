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
  const provider = new WebsocketProvider(`${baseUrl.replace(/^http/, 'ws')}/yjs/${workshopId}`, docName, doc, {
    params: token === null ? {} : { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: options.connect ?? true,
    // Tests observe refusals: do not hammer the server with reconnections meanwhile.
    maxBackoffTime: 200,
  });
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
    (socket.emit as (e: string, p: unknown, ack: (a: Ack<unknown>) => void) => void)(event, payload, (answer) =>
      resolve(answer as never),
    );
  });
}
