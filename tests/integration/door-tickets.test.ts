// The door, part three: connection tickets. A secret is traded for a two-minute ticket that opens
// /yjs connections with the same rights and nothing else; ?token= keeps working for stock clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../../shared/closeCodes.js';
import { addRecommendation, readRecommendations } from '../../shared/doc.js';
import { groupDocName, PLENARY_DOC } from '../../shared/ids.js';
import type { CreateWorkshopResult, JoinResult } from '../../shared/schemas.js';
import { createTickets, TICKET_TTL_MS } from '../../server/http/tickets.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, synced, type YClient } from '../helpers/clients.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';

const SECRET = 'door-tickets-test-secret-0123456789abcdef';

let srv: TestServer;
let w: CreateWorkshopResult;
let other: CreateWorkshopResult;
let ana: JoinResult;
let groupA: string;
let groupB: string;
const open: YClient[] = [];

beforeAll(async () => {
  srv = await startServer({ env: { TICKET_SECRET: SECRET } });
  w = await createWorkshop(srv.url, { title: 'Tickets', groups: ['A', 'B'] });
  other = await createWorkshop(srv.url, { title: 'Ailleurs', groups: ['X'] });
  groupA = w.groups[0]!.id;
  groupB = w.groups[1]!.id;
  ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId: groupA });
});
afterAll(async () => {
  for (const c of open.splice(0)) c.destroy();
  await srv.stop();
});

async function ticketFor(workshopId: string, secret: string | undefined) {
  return fetch(`${srv.url}/api/workshops/${workshopId}/tickets`, {
    method: 'POST',
    headers: secret ? { authorization: `Bearer ${secret}` } : {},
  });
}

async function ticket(workshopId: string, secret: string): Promise<string> {
  const res = await ticketFor(workshopId, secret);
  expect(res.status).toBe(201);
  const body = (await res.json()) as { ticket: string; expiresAt: number };
  return body.ticket;
}

/** A stock provider whose URL carries `?ticket=` instead of `?token=`. */
function connectWithTicket(
  workshopId: string,
  docName: string,
  t: string,
): YClient & { closes: number[] } {
  const doc = new Y.Doc();
  const closes: number[] = [];
  const provider = new WebsocketProvider(`${srv.wsUrl}/yjs/${workshopId}`, docName, doc, {
    params: { ticket: t },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 200,
  });
  provider.on('connection-close', (event) => {
    if (event) closes.push(event.code);
  });
  const client = {
    doc,
    provider,
    closes,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
  open.push(client);
  return client;
}

describe('issuing', () => {
  it('any secret of the workshop gets a ticket that expires in about two minutes; the answer is not cached', async () => {
    for (const secret of [w.facilitatorKey, ana.token]) {
      const res = await ticketFor(w.workshopId, secret);
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = (await res.json()) as { ticket: string; expiresAt: number };
      expect(body.ticket).toMatch(/^t1\./);
      expect(body.ticket).not.toContain(secret);
      expect(body.expiresAt - Date.now()).toBeLessThanOrEqual(TICKET_TTL_MS);
      expect(body.expiresAt - Date.now()).toBeGreaterThan(TICKET_TTL_MS / 2);
    }
  });

  it('no secret: 401; a wrong one: 401; another workshop’s: 403', async () => {
    expect((await ticketFor(w.workshopId, undefined)).status).toBe(401);
    expect((await ticketFor(w.workshopId, 'not-a-secret-at-all-xxxxxxxxxx')).status).toBe(401);
    expect((await ticketFor(w.workshopId, other.facilitatorKey)).status).toBe(403);
  });

  it('a ticket is not a key: it opens no HTTP call and gets no other ticket', async () => {
    const t = await ticket(w.workshopId, w.facilitatorKey);
    const res = await fetch(`${srv.url}/api/workshops/${w.workshopId}/snapshots`, {
      headers: { authorization: `Bearer ${t}` },
    });
    expect(res.status).toBe(401);
    expect((await ticketFor(w.workshopId, t)).status).toBe(401);
  });
});

describe('opening documents with a ticket', () => {
  it('a participant’s ticket writes their group and only reads the other', async () => {
    const t = await ticket(w.workshopId, ana.token);
    const own = connectWithTicket(w.workshopId, groupDocName(groupA), t);
    const otherGroup = connectWithTicket(w.workshopId, groupDocName(groupB), t);
    await synced(own);
    await synced(otherGroup);
    addRecommendation(own.doc, {
      id: 'r-ana',
      title: 'Par ticket',
      body: '',
      authorId: ana.participantId,
      createdAt: 1,
    });
    addRecommendation(otherGroup.doc, {
      id: 'r-intrus',
      title: 'Intrus',
      body: '',
      authorId: ana.participantId,
      createdAt: 1,
    });
    // The facilitator, by token (the contract), sees Ana's card in A and nothing in B.
    const watchA = connectDoc(srv.url, w.workshopId, groupDocName(groupA), w.facilitatorKey);
    const watchB = connectDoc(srv.url, w.workshopId, groupDocName(groupB), w.facilitatorKey);
    open.push(watchA, watchB);
    await synced(watchA);
    await synced(watchB);
    await waitFor(() => readRecommendations(watchA.doc).some((r) => r.title === 'Par ticket'), {
      message: 'the card written with a ticket',
    });
    expect(readRecommendations(watchB.doc)).toEqual([]);
  });

  it('the connection stays open after the ticket expires, and keeps syncing', async () => {
    // A ticket signed with the server's key that expires 1.5 s from now.
    const soon = createTickets({
      secret: SECRET,
      workshops: srv.server.workshops,
      now: () => Date.now() - TICKET_TTL_MS + 1500,
    }).issue({ role: 'facilitator', workshopId: w.workshopId });
    const client = connectWithTicket(w.workshopId, PLENARY_DOC, soon.ticket);
    await synced(client);
    await waitFor(() => Date.now() > soon.expiresAt + 200, {
      timeout: 10_000,
      message: 'the ticket to expire',
    });
    const watcher = connectDoc(srv.url, w.workshopId, PLENARY_DOC, w.facilitatorKey);
    open.push(watcher);
    await synced(watcher);
    client.doc.getMap('probe').set('after-expiry', true);
    await waitFor(() => watcher.doc.getMap('probe').get('after-expiry') === true, {
      message: 'edit after expiry',
    });
    expect(client.closes).toEqual([]);
  });

  it('an expired ticket, a forged one, or one for another workshop is refused with a close code', async () => {
    const expired = createTickets({
      secret: SECRET,
      workshops: srv.server.workshops,
      now: () => Date.now() - TICKET_TTL_MS - 1000,
    }).issue({ role: 'facilitator', workshopId: w.workshopId }).ticket;
    const forged = createTickets({
      secret: 'another-secret-entirely-0123456789abcdef',
      workshops: srv.server.workshops,
    }).issue({ role: 'facilitator', workshopId: w.workshopId }).ticket;
    const valid = await ticket(w.workshopId, ana.token);
    // Ana's claims, with the role changed and her signature kept.
    const [, payload, signature] = valid.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const promoted = `t1.${Buffer.from(JSON.stringify({ ...claims, r: 'facilitator' })).toString('base64url')}.${signature}`;
    const cases: [string, string, string, number][] = [
      ['expired', w.workshopId, expired, CloseCode.unauthorized],
      ['forged', w.workshopId, forged, CloseCode.unauthorized],
      ['promoted', w.workshopId, promoted, CloseCode.unauthorized],
      ['another workshop', other.workshopId, valid, CloseCode.forbidden],
    ];
    for (const [label, workshopId, t, code] of cases) {
      const client = connectWithTicket(workshopId, PLENARY_DOC, t);
      await waitFor(() => client.closes.length > 0, { message: `${label} refused` });
      expect(client.closes[0], label).toBe(code);
      client.destroy();
    }
  });

  it('a ticket taken before its participant was removed opens nothing afterwards', async () => {
    const bruno = await joinWorkshop(srv.url, w.code, { name: 'Bruno', groupId: groupB });
    const t = await ticket(w.workshopId, bruno.token);
    const removed = await fetch(
      `${srv.url}/api/workshops/${w.workshopId}/participants/${bruno.participantId}`,
      {
        method: 'DELETE',
        headers: { authorization: `Bearer ${w.facilitatorKey}` },
      },
    );
    expect(removed.status).toBe(204);
    const client = connectWithTicket(w.workshopId, groupDocName(groupB), t);
    await waitFor(() => client.closes.length > 0, { message: 'the removed participant refused' });
    expect(client.closes[0]).toBe(CloseCode.unauthorized);
    client.destroy();
  });

  it('?token= still opens documents for stock clients (the contract)', async () => {
    const client = connectDoc(srv.url, w.workshopId, groupDocName(groupA), ana.token);
    open.push(client);
    await synced(client);
  });
});
