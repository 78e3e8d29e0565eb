// GET /metrics (server/http/metrics.ts): off without METRICS_TOKEN; with it, only the token's
// holder reads memory, event-loop delay and rooms in memory, and a stranger gets a plain 404.
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsSample } from '../../server/http/metrics.js';
import { groupDocName } from '../../shared/ids.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, synced, type YClient } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'metrics-token-for-this-test-0123456789';
const servers: TestServer[] = [];
const clients: YClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.stop();
});

async function serve(env: Record<string, string> = {}): Promise<TestServer> {
  const srv = await startServer({ env });
  servers.push(srv);
  return srv;
}
const read = (srv: TestServer, authorization?: string) =>
  fetch(`${srv.url}/metrics`, { headers: authorization ? { authorization } : {} });

/** What the server answers on a path it does not know (the client's page, or the API's 404). */
async function unknownPath(srv: TestServer): Promise<{ status: number; body: string }> {
  const res = await fetch(`${srv.url}/metrics-of-nothing`);
  return { status: res.status, body: await res.text() };
}

describe('GET /metrics', () => {
  it('does not exist when METRICS_TOKEN is not set', async () => {
    const srv = await serve();
    const res = await read(srv, `Bearer ${TOKEN}`);
    expect({ status: res.status, body: await res.text() }).toEqual(await unknownPath(srv));
  });

  it('answers a stranger exactly as an unknown path', async () => {
    const srv = await serve({ METRICS_TOKEN: TOKEN });
    const expected = await unknownPath(srv);
    expect(expected.body).not.toContain('rssBytes');
    for (const authorization of [
      undefined,
      'Bearer wrong',
      `Bearer ${TOKEN}x`,
      TOKEN,
      `Basic ${TOKEN}`,
    ]) {
      const res = await read(srv, authorization);
      expect({ status: res.status, body: await res.text() }, String(authorization)).toEqual(
        expected,
      );
    }
  });

  it('gives its holder memory, loop delay and the rooms and connections in memory', async () => {
    const srv = await serve({ METRICS_TOKEN: TOKEN });
    const sample = async () => {
      const res = await read(srv, `Bearer ${TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      return (await res.json()) as MetricsSample;
    };
    const idle = await sample();
    expect(idle).toMatchObject({ rooms: 0, connections: 0 });
    expect(idle.rssBytes).toBeGreaterThan(0);
    expect(idle.heapUsedBytes).toBeGreaterThan(0);
    expect(idle.loop.p99Ms).toBeGreaterThanOrEqual(0);

    const w = await createWorkshop(srv.url);
    const groupId = w.groups[0]!.id;
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId });
    const a = connectDoc(srv.url, w.workshopId, groupDocName(groupId), ana.token);
    const b = connectDoc(srv.url, w.workshopId, groupDocName(groupId), w.facilitatorKey);
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    expect(await sample()).toMatchObject({ rooms: 1, connections: 2 });

    for (const c of clients.splice(0)) c.destroy();
    await waitFor(async () => (await sample()).rooms === 0, { message: 'room unloaded' });
  });
});
