// The door, part two: rate limits and quotas per address, each reached (429 with Retry-After and
// the one error shape) while another address goes on unhindered. Addresses are told apart by
// X-Forwarded-For, which the server reads from loopback only (trust proxy 'loopback').
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { CloseCode } from '../../shared/closeCodes.js';
import { PLENARY_DOC } from '../../shared/ids.js';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { command } from '../helpers/clients.js';
import { openSession } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer({
    env: {
      LOOKUP_FAILURES_PER_10MIN: '5',
      JOINS_PER_10MIN: '8',
      MAX_PARTICIPANTS: '12',
      AUTH_FAILURES_PER_10MIN: '4',
      CREATE_PER_HOUR: '3',
      IMPORT_PER_HOUR: '2',
      DEMO_PER_HOUR: '1',
      CROWD_WARNING: '5',
    },
  });
});
afterAll(async () => {
  await srv.stop();
});

let nextAddress = 1;
/** A fresh address of the documentation range for each caller. */
const newAddress = () => `198.51.100.${nextAddress++}`;

function call(
  address: string,
  method: string,
  path: string,
  options: { body?: unknown; key?: string } = {},
) {
  const headers: Record<string, string> = { 'x-forwarded-for': address };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  return fetch(`${srv.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

async function expectRateLimited(res: Response) {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('rate_limited');
  expect(body.error.message.length).toBeGreaterThan(0);
}

async function create(address = newAddress()): Promise<CreateWorkshopResult> {
  const res = await call(address, 'POST', '/api/workshops', {
    body: { title: 'Porte', groups: ['A', 'B'] },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as CreateWorkshopResult;
}

async function join(address: string, code: string, name: string) {
  return call(address, 'POST', `/api/workshops/${code}/participants`, { body: { name } });
}

describe('code look-ups', () => {
  it('unknown codes: 5 answered 404, then 429 for that address only, known codes included', async () => {
    const w = await create();
    const guesser = newAddress();
    for (let i = 0; i < 5; i++) {
      expect((await call(guesser, 'GET', '/api/workshops/ZZZZZ2')).status).toBe(404);
    }
    await expectRateLimited(await call(guesser, 'GET', '/api/workshops/ZZZZZ2'));
    await expectRateLimited(await call(guesser, 'GET', `/api/workshops/${w.code}`));
    // Joining by code is a look-up too.
    await expectRateLimited(await join(guesser, w.code, 'Gaspard'));
    // Someone else in the building is not affected.
    const honest = newAddress();
    expect((await call(honest, 'GET', `/api/workshops/${w.code}`)).status).toBe(200);
    expect((await call(honest, 'GET', '/api/workshops/ZZZZZ2')).status).toBe(404);
  });

  it('successful look-ups do not count as failures', async () => {
    const w = await create();
    const room = newAddress();
    for (let i = 0; i < 20; i++)
      expect((await call(room, 'GET', `/api/workshops/${w.code}`)).status).toBe(200);
    expect((await call(room, 'GET', '/api/workshops/ZZZZZ3')).status).toBe(404);
  });
});

describe('joins', () => {
  it('8 joins per workshop per address, then 429; another address and another workshop still join', async () => {
    const w = await create();
    const other = await create();
    const room = newAddress();
    for (let i = 0; i < 8; i++) expect((await join(room, w.code, `P${i}`)).status).toBe(201);
    await expectRateLimited(await join(room, w.code, 'P8'));
    expect((await join(room, other.code, 'Ailleurs')).status).toBe(201);
    expect((await join(newAddress(), w.code, 'Voisine')).status).toBe(201);
  });

  it('a workshop holds MAX_PARTICIPANTS (12), even when the last joins race', async () => {
    const w = await create();
    // 12 addresses, 2 joins each, all at once: exactly 12 get in.
    const attempts = await Promise.all(
      Array.from({ length: 24 }, (_, i) => join(`203.0.113.${100 + (i % 12)}`, w.code, `Q${i}`)),
    );
    const statuses = attempts.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(12);
    const refused = attempts.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(12);
    for (const res of refused) {
      expect(res.status).toBe(409);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe('workshop_full');
    }
  });

  it('the facilitator is told of an address that joined more than CROWD_WARNING (5), never of the address', async () => {
    const w = await create();
    const busy = '192.0.2.77';
    for (let i = 0; i < 6; i++) expect((await join(busy, w.code, `B${i}`)).status).toBe(201);
    for (let i = 0; i < 2; i++)
      expect((await join(newAddress(), w.code, `C${i}`)).status).toBe(201);
    const res = await call(newAddress(), 'GET', `/api/workshops/${w.workshopId}/crowd`, {
      key: w.facilitatorKey,
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as {
      threshold: number;
      addresses: { label: string; joins: number }[];
    };
    expect(report.threshold).toBe(5);
    expect(report.addresses).toHaveLength(1);
    expect(report.addresses[0]!.joins).toBe(6);
    expect(JSON.stringify(report)).not.toContain('192.0.2');
    // Only the facilitator reads it.
    const participant = (await (await join(newAddress(), w.code, 'Curieuse')).json()) as JoinResult;
    const denied = await call(newAddress(), 'GET', `/api/workshops/${w.workshopId}/crowd`, {
      key: participant.token,
    });
    expect(denied.status).toBe(403);
  });
});

describe('refused keys and tokens', () => {
  it('HTTP Bearer: 4 distinct wrong keys, then 429 even for the right key; another address is served', async () => {
    const w = await create();
    const prober = newAddress();
    const path = `/api/workshops/${w.workshopId}/snapshots`;
    for (let i = 0; i < 4; i++) {
      expect(
        (await call(prober, 'GET', path, { key: `wrong-key-${i}-xxxxxxxxxxxxxxxx` })).status,
      ).toBe(401);
    }
    await expectRateLimited(
      await call(prober, 'GET', path, { key: 'wrong-key-4-xxxxxxxxxxxxxxxx' }),
    );
    await expectRateLimited(await call(prober, 'GET', path, { key: w.facilitatorKey }));
    await expectRateLimited(
      await call(prober, 'POST', `/api/workshops/${w.workshopId}/tickets`, {
        key: w.facilitatorKey,
      }),
    );
    expect((await call(newAddress(), 'GET', path, { key: w.facilitatorKey })).status).toBe(200);
  });

  it('the same stale token retried counts once (a laptop with an old token does not lock out the room)', async () => {
    const w = await create();
    const room = newAddress();
    const path = `/api/workshops/${w.workshopId}/snapshots`;
    for (let i = 0; i < 20; i++) {
      expect(
        (await call(room, 'GET', path, { key: 'stale-token-xxxxxxxxxxxxxxxxxx' })).status,
      ).toBe(401);
    }
    expect((await call(room, 'GET', path, { key: w.facilitatorKey })).status).toBe(200);
  });

  it('Socket.IO handshakes: past the limit the handshake is refused with rate_limited', async () => {
    const w = await create();
    const prober = newAddress();
    const handshake = (token: string, address: string) =>
      new Promise<string | null>((resolve) => {
        const socket = io(srv.url, {
          path: '/socket.io',
          auth: { token },
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          extraHeaders: { 'x-forwarded-for': address },
        });
        socket.on('connect', () => {
          socket.disconnect();
          resolve(null);
        });
        socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
          socket.disconnect();
          resolve(error.data?.code ?? error.message);
        });
      });
    for (let i = 0; i < 4; i++)
      expect(await handshake(`bad-token-${i}-xxxxxxxxxxxxxxx`, prober)).toBe('unauthorized');
    expect(await handshake(w.facilitatorKey, prober)).toBe('rate_limited');
    expect(await handshake(w.facilitatorKey, newAddress())).toBeNull();
  });

  it('/yjs upgrades: past the limit the connection is closed with 4429', async () => {
    const w = await create();
    const prober = newAddress();
    const closeCode = (token: string, address: string) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${srv.wsUrl}/yjs/${w.workshopId}/${PLENARY_DOC}?token=${token}`, {
          headers: { 'x-forwarded-for': address },
        });
        ws.on('close', (code) => resolve(code));
        ws.on('error', reject);
        // An accepted connection gets the server's sync step 1: accepted, then closed by us.
        ws.on('message', () => ws.close(1000));
      });
    for (let i = 0; i < 4; i++) {
      expect(await closeCode(`bad-token-${i}-xxxxxxxxxxxxxxx`, prober)).toBe(
        CloseCode.unauthorized,
      );
    }
    expect(await closeCode(w.facilitatorKey, prober)).toBe(CloseCode.rateLimited);
    expect(await closeCode(w.facilitatorKey, newAddress())).toBe(1000);
  });
});

describe('creations, imports, demos per address', () => {
  it('3 workshops per hour, then 429; another address creates', async () => {
    const a = newAddress();
    for (let i = 0; i < 3; i++) await create(a);
    await expectRateLimited(
      await call(a, 'POST', '/api/workshops', { body: { title: 'Encore', groups: ['A'] } }),
    );
    await create(newAddress());
  });

  it('2 imports per hour (refused before the body is read), then 429', async () => {
    const a = newAddress();
    // An invalid import still spends the quota: the point is to bound what the server parses.
    for (let i = 0; i < 2; i++) {
      expect(
        (await call(a, 'POST', '/api/workshops/import', { body: { format: 'nope' } })).status,
      ).toBe(400);
    }
    await expectRateLimited(
      await call(a, 'POST', '/api/workshops/import', { body: { format: 'nope' } }),
    );
    expect(
      (await call(newAddress(), 'POST', '/api/workshops/import', { body: { format: 'nope' } }))
        .status,
    ).toBe(400);
  });

  it('1 demo per hour, then 429', async () => {
    const a = newAddress();
    expect((await call(a, 'POST', '/api/demo')).status).toBe(201);
    await expectRateLimited(await call(a, 'POST', '/api/demo'));
  });
});

describe('Socket.IO commands per connection', () => {
  it('a flood of commands is answered rate_limited after the burst; the connection and others go on', async () => {
    const w = await create();
    const flooder = await openSession(srv.url, w.facilitatorKey);
    const calm = await openSession(srv.url, w.facilitatorKey);
    try {
      const answers = await Promise.all(
        Array.from({ length: 60 }, () =>
          command(flooder.socket, 'votes:reveal', { revealed: false }),
        ),
      );
      const codes = answers.map((a) => (a.ok ? 'ok' : a.error.code));
      expect(codes.filter((c) => c === 'ok').length).toBeGreaterThanOrEqual(40);
      expect(codes).toContain('rate_limited');
      expect(flooder.socket.connected).toBe(true);
      expect(await command(calm.socket, 'votes:reveal', { revealed: false })).toMatchObject({
        ok: true,
      });
      // The bucket refills (4 a second): the flooder is served again.
      await waitFor(
        async () => (await command(flooder.socket, 'votes:reveal', { revealed: false })).ok,
        { timeout: 5000, interval: 300, message: 'the bucket to refill' },
      );
    } finally {
      flooder.socket.disconnect();
      calm.socket.disconnect();
    }
  });
});

describe('votes per connection', () => {
  it('a participant flooding vote:cast gets rate_limited after the burst, whatever the votes say', async () => {
    const w = await create();
    const voter = (await (await join(newAddress(), w.code, 'Vite')).json()) as JoinResult;
    const session = await openSession(srv.url, voter.token);
    try {
      const target = `${w.groups[0]!.id}/r1`;
      const answers = await Promise.all(
        Array.from({ length: 60 }, () =>
          command(session.socket, 'vote:cast', { targetId: target, delta: 1 }),
        ),
      );
      const codes = answers.map((a) => (a.ok ? 'ok' : a.error.code));
      // In the lobby every dot is refused (voting_closed) until the bucket is empty.
      expect(codes.filter((c) => c === 'voting_closed').length).toBeGreaterThanOrEqual(40);
      expect(codes.filter((c) => c === 'rate_limited').length).toBeGreaterThan(0);
      expect(session.socket.connected).toBe(true);
    } finally {
      session.socket.disconnect();
    }
  });
});

describe('a room behind one address, with the default limits', () => {
  it('150 people join one workshop from one address within a minute, all accepted', async () => {
    const room = await startServer();
    try {
      const created = await fetch(`${room.url}/api/workshops`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Salle', groups: ['A', 'B', 'C'] }),
      });
      const w = (await created.json()) as CreateWorkshopResult;
      const statuses: number[] = [];
      // In waves of 25, as a room arrives: each person loads the page (a look-up), then joins.
      for (let wave = 0; wave < 6; wave++) {
        const results = await Promise.all(
          Array.from({ length: 25 }, async (_, i) => {
            const lookup = await fetch(`${room.url}/api/workshops/${w.code}`);
            statuses.push(lookup.status);
            const res = await fetch(`${room.url}/api/workshops/${w.code}/participants`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ name: `Personne ${wave * 25 + i}` }),
            });
            return res.status;
          }),
        );
        statuses.push(...results);
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(150);
      expect(statuses.filter((s) => s === 201)).toHaveLength(150);
      expect(room.server.workshops.peek(w.workshopId)?.participants.size).toBe(150);
    } finally {
      await room.stop();
    }
  });
});
