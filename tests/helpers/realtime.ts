// Helpers over the real clients for integration tests: connected sockets, event recorders,
// commands that must succeed, and board content written through WebsocketProvider.
import { io } from 'socket.io-client';
import { expect } from 'vitest';
import { addItem, addRecommendation, readItems, readRecommendations } from '../../shared/doc.js';
import { groupDocName, PLENARY_DOC } from '../../shared/ids.js';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol.js';
import { command, connectDoc, connectSocket, synced, type TestSocket } from './clients.js';
import { waitFor } from './wait.js';

/** Every payload a socket receives for one event, in order, from the moment this is called. */
export function record<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  (socket.on as (e: string, listener: (payload: unknown) => void) => void)(event, (payload) => {
    seen.push(payload as never);
  });
  return seen;
}

export interface Session {
  socket: TestSocket;
  state: Parameters<ServerToClientEvents['workshop:state']>[0][];
  whoami: Parameters<ServerToClientEvents['workshop:whoami']>[0][];
  mine: Parameters<ServerToClientEvents['votes:mine']>[0][];
  tally: Parameters<ServerToClientEvents['votes:tally']>[0][];
  /** presence:delta payloads (only sockets that opted in should ever get one). */
  delta: Parameters<ServerToClientEvents['presence:delta']>[0][];
}

/**
 * The sessions one test file opens, closed together:
 * `const { session, track, closeAll } = sessionPool(() => srv.url)`.
 */
export function sessionPool(baseUrl: () => string) {
  const open: Session[] = [];
  /** Closes `s` with the others at closeAll. */
  const track = (s: Session): Session => {
    open.push(s);
    return s;
  };
  return {
    track,
    session: async (token: string, options: { presence?: unknown } = {}): Promise<Session> =>
      track(await openSession(baseUrl(), token, options)),
    closeAll(): void {
      for (const s of open.splice(0)) s.socket.disconnect();
    },
  };
}

/**
 * A socket connected with `token`, recording what the server pushes, once its first state arrived.
 * `presence` is sent as `auth.presence` as given (any value, to test what the server makes of it);
 * without it the handshake is the contract's `auth: { token }`.
 */
export async function openSession(
  baseUrl: string,
  token: string,
  options: { presence?: unknown } = {},
): Promise<Session> {
  const socket =
    'presence' in options
      ? (io(baseUrl, {
          path: '/socket.io',
          auth: { token, presence: options.presence },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
        }) as TestSocket)
      : connectSocket(baseUrl, token);
  const session: Session = {
    socket,
    state: record(socket, 'workshop:state'),
    delta: record(socket, 'presence:delta'),
    whoami: record(socket, 'workshop:whoami'),
    mine: record(socket, 'votes:mine'),
    tally: record(socket, 'votes:tally'),
  };
  let failure: Error | null = null;
  socket.on('connect_error', (error) => {
    failure = error;
  });
  await waitFor(
    () => {
      if (failure) throw failure;
      return socket.connected && session.state.length > 0 && session.whoami.length > 0;
    },
    { message: 'socket session' },
  );
  return session;
}

/** Sends a command that must succeed and returns its data. */
export async function ok<E extends keyof ClientToServerEvents>(
  socket: TestSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<Extract<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0], { ok: true }>['data']> {
  const answer = (await command(socket, event, payload)) as Ack<unknown>;
  expect(answer, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: true });
  return (answer as { ok: true; data: never }).data;
}

/** The error code of a command that must fail. */
export async function refusal<E extends keyof ClientToServerEvents>(
  socket: TestSocket,
  event: E,
  payload: Parameters<ClientToServerEvents[E]>[0],
): Promise<string> {
  const answer = (await command(socket, event, payload)) as Ack<unknown>;
  expect(answer.ok, `${event} ${JSON.stringify(payload)} should be refused`).toBe(false);
  if (answer.ok) throw new Error('unreachable');
  expect(typeof answer.error.message).toBe('string');
  return answer.error.code;
}

/**
 * Writes recommendations into a group document through a WebsocketProvider with `token`, and
 * returns once a second client (with `observerToken`) has received them all from the server.
 */
export async function writeRecommendations(
  baseUrl: string,
  workshopId: string,
  groupId: string,
  token: string,
  observerToken: string,
  recs: { id: string; title: string }[],
): Promise<void> {
  const writer = connectDoc(baseUrl, workshopId, groupDocName(groupId), token);
  const observer = connectDoc(baseUrl, workshopId, groupDocName(groupId), observerToken);
  try {
    await Promise.all([synced(writer), synced(observer)]);
    for (const [i, rec] of recs.entries()) {
      addRecommendation(writer.doc, {
        id: rec.id,
        title: rec.title,
        body: '',
        authorId: 'test',
        createdAt: i,
      });
    }
    await waitFor(
      () => {
        const ids = new Set(readRecommendations(observer.doc).map((r) => r.id));
        return recs.every((r) => ids.has(r.id));
      },
      { message: 'recommendations relayed' },
    );
  } finally {
    writer.destroy();
    observer.destroy();
  }
}

/** Writes plenary items with the facilitator key, confirmed by an observer as above. */
export async function writeItems(
  baseUrl: string,
  workshopId: string,
  facilitatorKey: string,
  observerToken: string,
  items: { id: string; title: string; sources?: string[] }[],
): Promise<void> {
  const writer = connectDoc(baseUrl, workshopId, PLENARY_DOC, facilitatorKey);
  const observer = connectDoc(baseUrl, workshopId, PLENARY_DOC, observerToken);
  try {
    await Promise.all([synced(writer), synced(observer)]);
    for (const [i, item] of items.entries()) {
      addItem(writer.doc, {
        id: item.id,
        title: item.title,
        body: '',
        sources: item.sources ?? [],
        createdAt: i,
      });
    }
    await waitFor(
      () => {
        const ids = new Set(readItems(observer.doc).map((r) => r.id));
        return items.every((r) => ids.has(r.id));
      },
      { message: 'items relayed' },
    );
  } finally {
    writer.destroy();
    observer.destroy();
  }
}
