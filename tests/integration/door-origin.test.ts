// The door, part one: security headers on every response, and the Origin check on the /yjs and
// Socket.IO upgrades (a page of another site gets HTTP 403 before any socket opens; stock clients
// that send no Origin, and pages of this server, go through).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { PLENARY_DOC } from '../../shared/ids.js';
import type { CreateWorkshopResult } from '../../shared/schemas.js';
import { createWorkshop } from '../helpers/api.js';
import { connectDoc, synced } from '../helpers/clients.js';
import { openSession } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
let w: CreateWorkshopResult;
beforeAll(async () => {
  srv = await startServer({ env: { PUBLIC_URL: 'http://192.168.1.20:3000' } });
  w = await createWorkshop(srv.url);
});
afterAll(async () => {
  await srv.stop();
});

/** Opens a raw WebSocket upgrade; resolves with the HTTP status of a refusal, or 101 when upgraded. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('upgrade', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (error) => reject(error));
  });
}

describe('security headers', () => {
  it('the page, the API, an error and a static file all carry a strict CSP and the others', async () => {
    const paths = [
      '/',
      `/w/${w.code}`,
      `/api/workshops/${w.code}`,
      '/api/nothing-here',
      '/healthz',
    ];
    for (const path of paths) {
      const res = await fetch(`${srv.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(csp, path).not.toContain('unsafe-eval');
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(csp, path).toContain("img-src 'self';");
      expect(csp, path).not.toContain('upgrade-insecure-requests');
      const host = new URL(srv.url).host;
      expect(csp, path).toMatch(new RegExp(`connect-src 'self' ws://${host} wss://${host}`));
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('a Host header that is not a host is left out of the CSP, not written into it', async () => {
    const { request } = await import('node:http');
    const csp = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${srv.url}/healthz`,
        { headers: { host: "evil; script-src 'unsafe-inline'" } },
        (res) => {
          res.resume();
          resolve(String(res.headers['content-security-policy'] ?? ''));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("connect-src 'self' 'self'");
  });
});

describe('Origin on /yjs upgrades', () => {
  const url = () => `${srv.wsUrl}/yjs/${w.workshopId}/${PLENARY_DOC}?token=${w.facilitatorKey}`;

  it('a foreign Origin is refused with 403 before upgrading', async () => {
    expect(await upgradeStatus(url(), { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(url(), { origin: 'null' })).toBe(403);
    // Same host name, another port: another origin.
    expect(await upgradeStatus(url(), { origin: `http://127.0.0.1:${srv.port + 1}` })).toBe(403);
  });

  it('no Origin, the server’s own origin (http or https), or PUBLIC_URL’s are accepted', async () => {
    expect(await upgradeStatus(url(), {})).toBe(101);
    expect(await upgradeStatus(url(), { origin: srv.url })).toBe(101);
    expect(await upgradeStatus(url(), { origin: srv.url.replace('http:', 'https:') })).toBe(101);
    expect(await upgradeStatus(url(), { origin: 'http://192.168.1.20:3000' })).toBe(101);
  });

  it('a stock WebsocketProvider (no Origin) still syncs', async () => {
    const client = connectDoc(srv.url, w.workshopId, PLENARY_DOC, w.facilitatorKey);
    try {
      await synced(client);
    } finally {
      client.destroy();
    }
  });
});

describe('Origin on Socket.IO', () => {
  function tryConnect(origin: string | undefined, transport: 'websocket' | 'polling') {
    const socket = io(srv.url, {
      path: '/socket.io',
      auth: { token: w.facilitatorKey },
      transports: [transport],
      reconnection: false,
      forceNew: true,
      extraHeaders: origin ? { origin } : {},
    });
    const outcome = { connected: false, error: null as (Error & { context?: unknown }) | null };
    socket.on('connect', () => (outcome.connected = true));
    socket.on('connect_error', (error) => (outcome.error = error));
    return { socket, outcome };
  }

  it('a foreign Origin gets no connection, over WebSocket or polling', async () => {
    for (const transport of ['websocket', 'polling'] as const) {
      const { socket, outcome } = tryConnect('http://evil.example', transport);
      try {
        await waitFor(() => outcome.error ?? outcome.connected, {
          message: `${transport} outcome`,
        });
        expect(outcome.connected, transport).toBe(false);
      } finally {
        socket.disconnect();
      }
    }
  });

  it('the polling handshake of a foreign Origin is answered 403', async () => {
    const res = await fetch(`${srv.url}/socket.io/?EIO=4&transport=polling`, {
      headers: { origin: 'http://evil.example' },
    });
    expect(res.status).toBe(403);
    const own = await fetch(`${srv.url}/socket.io/?EIO=4&transport=polling`, {
      headers: { origin: srv.url },
    });
    expect(own.status).toBe(200);
  });

  it('the WebSocket upgrade of a foreign Origin is answered 403', async () => {
    const engine = `${srv.wsUrl}/socket.io/?EIO=4&transport=websocket`;
    expect(await upgradeStatus(engine, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(engine, { origin: srv.url })).toBe(101);
  });

  it('its own origin and no Origin connect', async () => {
    for (const origin of [srv.url, undefined]) {
      const { socket, outcome } = tryConnect(origin, 'websocket');
      try {
        await waitFor(() => outcome.error ?? outcome.connected, { message: 'outcome' });
        expect(outcome.connected, String(origin)).toBe(true);
      } finally {
        socket.disconnect();
      }
    }
    const session = await openSession(srv.url, w.facilitatorKey);
    session.socket.disconnect();
  });
});
