// The realtime client's policies (client/lib/realtime.ts, refusals.ts, backoff.ts): when it
// retries and how long it waits, which refusals stop it, and a command without an answer. Its
// socket talks to a bare Socket.IO server on port 0 that plays each case.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReconnector, reconnectDelay, type Reconnector } from '../../client/lib/backoff.js';
import {
  createRealtimeClient,
  type RealtimeClient,
  type RealtimeOptions,
} from '../../client/lib/realtime.js';
import { classifyClose, classifyConnectError } from '../../client/lib/refusals.js';
import { CloseCode } from '../../shared/closeCodes.js';
import { waitFor } from '../helpers/wait.js';

describe('the reconnection schedule', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('each failure doubles the step, a success starts again from the first', () => {
    const reconnector = createReconnector({ random: () => 1, ceiling: 4000 });
    const waits = [1, 2, 3, 4, 5, 6].map(() => reconnector.schedule(() => undefined));
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 4000]);
    reconnector.succeeded();
    expect(reconnector.schedule(() => undefined)).toBe(250);
  });

  it('a refusal that may pass waits at the ceiling, not at the first step', () => {
    const reconnector = createReconnector({ random: () => 0, ceiling: 5000 });
    expect(reconnector.schedule(() => undefined, { atCeiling: true })).toBe(2500);
    expect(reconnector.schedule(() => undefined)).toBe(2500);
  });

  it('runs the retry once its wait is over, and only the last one scheduled', () => {
    const reconnector = createReconnector({ random: () => 1, ceiling: 4000 });
    const runs: string[] = [];
    reconnector.schedule(() => runs.push('first'));
    reconnector.schedule(() => runs.push('second'));
    vi.advanceTimersByTime(reconnectDelay(1, 4000, () => 1));
    expect(runs).toEqual(['second']);
    reconnector.schedule(() => runs.push('cancelled'));
    reconnector.cancel();
    vi.runAllTimers();
    expect(runs).toEqual(['second']);
  });
});

describe('the refusal policy', () => {
  const handshakeError = (data?: unknown) => Object.assign(new Error('refused'), { data });

  it('a refused secret is final on both transports, and only that', () => {
    for (const code of ['unauthorized', 'forbidden'] as const) {
      expect(classifyConnectError(handshakeError({ code }))).toEqual({
        kind: 'refused',
        code,
        removed: false,
      });
    }
    expect(classifyClose({ code: CloseCode.unauthorized, reason: '' })).toMatchObject({
      kind: 'refused',
      code: 'unauthorized',
    });
    expect(classifyClose({ code: CloseCode.forbidden, reason: 'removed' })).toEqual({
      kind: 'refused',
      code: 'forbidden',
      removed: true,
    });
  });

  it('rate limited, a full workshop or a server failure is for later, a lost network is retried', () => {
    for (const code of ['rate_limited', 'workshop_full', 'internal_error'])
      expect(classifyConnectError(handshakeError({ code }))).toEqual({ kind: 'later', code });
    expect(classifyClose({ code: CloseCode.rateLimited, reason: '' })).toEqual({
      kind: 'later',
      code: 'rate_limited',
    });
    expect(classifyConnectError(new Error('xhr poll error'))).toEqual({ kind: 'network' });
    expect(classifyConnectError(handshakeError({ nope: 42 }))).toEqual({ kind: 'network' });
    expect(classifyClose(null)).toEqual({ kind: 'network' });
    expect(classifyClose({ code: CloseCode.goingAway, reason: '' })).toEqual({ kind: 'network' });
    expect(classifyClose({ code: CloseCode.notFound, reason: '' })).toEqual({ kind: 'missing' });
    expect(classifyClose({ code: CloseCode.tooLarge, reason: '' })).toEqual({
      kind: 'closed',
      code: CloseCode.tooLarge,
    });
  });
});

/** A bare Socket.IO server on port 0; `refuse` answers the next handshakes with these codes. */
async function startBareServer() {
  const http: HttpServer = createServer();
  const io = new Server(http, { path: '/socket.io' });
  const refusals: string[] = [];
  let handshakes = 0;
  io.use((_socket, next) => {
    handshakes++;
    const code = refusals.shift();
    if (!code) return next();
    next(Object.assign(new Error(code), { data: { code } }));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    io,
    url,
    refusals,
    handshakes: () => handshakes,
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}

/** A reconnector that keeps its schedule short (tests) and counts what it was asked. */
function countingReconnector() {
  const inner = createReconnector({ ceiling: 40 });
  const calls: { atCeiling: boolean }[] = [];
  const reconnector: Reconnector = {
    get attempt() {
      return inner.attempt;
    },
    ceiling: inner.ceiling,
    schedule: (retry, options) => {
      calls.push({ atCeiling: options?.atCeiling ?? false });
      return inner.schedule(retry, options);
    },
    succeeded: () => inner.succeeded(),
    cancel: () => inner.cancel(),
  };
  return { reconnector, calls };
}

/** Checked by tsc, never run: payloads and answers are typed by shared/protocol.ts's Commands. */
export async function typedCommands(client: RealtimeClient): Promise<void> {
  // @ts-expect-error a dot is +1 or -1
  await client.command('vote:cast', { targetId: 'g/r', delta: 2 });
  // @ts-expect-error no such command
  await client.command('vote:steal', {});
  const answer = await client.command('vote:cast', { targetId: 'g/r', delta: 1 });
  if (answer.ok) {
    const remaining: number = answer.data.remaining;
    // @ts-expect-error vote:cast answers {remaining}, nothing else
    void answer.data.nope;
    void remaining;
  }
}

describe('the realtime client on the wire', () => {
  let server: Awaited<ReturnType<typeof startBareServer>>;
  const clients: RealtimeClient[] = [];
  const open = (options: Partial<RealtimeOptions> = {}) => {
    const client = createRealtimeClient({
      token: 'a-token',
      url: server.url,
      network: null,
      onRefused: () => undefined,
      ...options,
    });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    server = await startBareServer();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await server.close();
  });

  it('a command the server never answers settles as a timeout', async () => {
    server.io.on('connection', (socket) => socket.on('vote:cast', () => undefined));
    const client = open({ commandTimeoutMs: 100 });
    await waitFor(() => client.connected, { message: 'connected' });
    const answer = await client.command('vote:cast', { targetId: 'g/r', delta: 1 });
    expect(answer).toEqual({ ok: false, code: 'timeout', message: 'timeout' });
  });

  it('a command answered by the server resolves with its ack data, an error with its code', async () => {
    server.io.on('connection', (socket) =>
      socket.on('vote:cast', (payload: { delta: number }, ack: (answer: unknown) => void) =>
        ack(
          payload.delta > 0
            ? { ok: true, data: { remaining: 4 } }
            : { ok: false, error: { code: 'voting_closed', message: 'closed' } },
        ),
      ),
    );
    const client = open();
    await waitFor(() => client.connected, { message: 'connected' });
    expect(await client.command('vote:cast', { targetId: 'g/r', delta: 1 })).toEqual({
      ok: true,
      data: { remaining: 4 },
    });
    expect(await client.command('vote:cast', { targetId: 'g/r', delta: -1 })).toEqual({
      ok: false,
      code: 'voting_closed',
      message: 'closed',
    });
  });

  it('a command sent while not connected says offline at once', async () => {
    server.refusals.push('rate_limited', 'rate_limited', 'rate_limited');
    const client = open();
    expect(await client.command('timer:stop', {})).toMatchObject({ ok: false, code: 'offline' });
  });

  it('a refused secret stops the client: onRefused, and no retry', async () => {
    server.refusals.push('unauthorized');
    const refused: string[] = [];
    const { reconnector, calls } = countingReconnector();
    open({ reconnector, onRefused: (code) => refused.push(code) });
    await waitFor(() => refused.length > 0, { message: 'the refusal' });
    expect(refused).toEqual(['unauthorized']);
    expect(calls).toEqual([]);
    expect(server.handshakes()).toBe(1);
  });

  it('a refusal for later is retried at the ceiling, and the client gets in', async () => {
    server.refusals.push('rate_limited');
    const { reconnector, calls } = countingReconnector();
    const client = open({ reconnector });
    await waitFor(() => client.connected, { message: 'connected after the refusal' });
    expect(calls).toEqual([{ atCeiling: true }]);
    expect(server.handshakes()).toBe(2);
  });

  it('a lost connection is retried on the schedule; one the server ended is not', async () => {
    const { reconnector, calls } = countingReconnector();
    const client = open({ reconnector });
    await waitFor(() => client.connected, { message: 'connected' });
    // The transport drops (a server restart, the wifi): the client comes back by itself.
    for (const socket of server.io.sockets.sockets.values()) socket.conn.close();
    await waitFor(() => server.handshakes() === 2 && client.connected, { message: 'back' });
    expect(calls).toEqual([{ atCeiling: false }]);
    // The server ends the session (a removed participant): the client stays away.
    server.io.disconnectSockets(true);
    await waitFor(() => !client.connected, { message: 'disconnected' });
    expect(calls).toHaveLength(1);
    expect(reconnector.attempt).toBe(0);
  });
});
