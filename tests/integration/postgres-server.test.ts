// The real server on DATABASE_URL: one workshop's whole flow (create, join, co-write through
// WebsocketProvider, vote, snapshot) stored in PostgreSQL, found again by a restarted server.
// The database: a fresh one on TEST_DATABASE_URL's server (tests/helpers/postgres-cluster.ts).
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type * as Y from 'yjs';
import { addRecommendation, readRecommendations } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, synced, type YClient } from '../helpers/clients.js';
import { ok, openSession, type Session } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const base = inject('postgresUrl');
const database = `it_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
let admin: pg.Client;
let databaseUrl: string;

beforeAll(async () => {
  if (!base) throw new Error(`no PostgreSQL for the tests: ${inject('postgresMissing')}`);
  admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(base);
  url.pathname = `/${database}`;
  databaseUrl = url.toString();
});
afterAll(async () => {
  if (!admin) return;
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
});

const titles = (client: YClient) =>
  readRecommendations(client.doc)
    .map((r) => r.title)
    .sort();

describe('the server on PostgreSQL', () => {
  it('a workshop written, voted on and saved is all there after a restart, and no SQLite file is made', async () => {
    let srv: TestServer = await startServer({ env: { DATABASE_URL: databaseUrl } });
    const sessions: Session[] = [];
    const clients: YClient[] = [];
    try {
      const w = await createWorkshop(srv.url, { title: 'Atelier PostgreSQL', groups: ['Eau'] });
      const groupId = w.groups[0]!.id;
      const doc = groupDocName(groupId);
      const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId });
      const louis = await joinWorkshop(srv.url, w.code, { name: 'Louis', groupId });

      // Co-writing: each writes a card, each sees both.
      const a = connectDoc(srv.url, w.workshopId, doc, ana.token);
      const b = connectDoc(srv.url, w.workshopId, doc, louis.token);
      clients.push(a, b);
      await Promise.all([synced(a), synced(b)]);
      const card = (id: string, title: string, authorId: string) => ({
        id,
        title,
        body: '',
        authorId,
        createdAt: 1,
      });
      const ra = addRecommendation(a.doc, card('r1', 'Cartographier', ana.participantId));
      const rb = addRecommendation(b.doc, card('r2', 'Récupérer', louis.participantId));
      // Keystrokes from both at once: each one an update, many arriving while an append (now
      // asynchronous) is in flight, so the outbox and the store's per-document queue are used.
      const ta = ra.get('title') as Y.Text;
      const tb = rb.get('title') as Y.Text;
      const rest = ' l’eau, quartier par quartier, avant l’été';
      for (const char of rest) {
        ta.insert(ta.length, char);
        tb.insert(tb.length, char);
      }
      const both = [`Cartographier${rest}`, `Récupérer${rest}`];
      await waitFor(() => titles(a).join() === both.join() && titles(b).join() === both.join(), {
        message: 'both cards on both clients',
      });

      const facilitator = await openSession(srv.url, w.facilitatorKey);
      const voter = await openSession(srv.url, ana.token);
      sessions.push(facilitator, voter);
      await ok(facilitator.socket, 'phase:set', { phase: 'vote' });
      expect(await ok(voter.socket, 'vote:cast', { targetId: `${groupId}/r2`, delta: 1 })).toEqual({
        remaining: 4,
      });
      const saved = await fetch(`${srv.url}/api/workshops/${w.workshopId}/snapshots`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${w.facilitatorKey}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ label: 'Après le vote' }),
      });
      expect(saved.status).toBe(201);

      for (const c of clients.splice(0)) c.destroy();
      for (const s of sessions.splice(0)) s.socket.disconnect();
      await srv.stop();
      // A new process, a new (empty) data directory: only the database holds the workshop.
      srv = await startServer({ env: { DATABASE_URL: databaseUrl } });

      const again = connectDoc(srv.url, w.workshopId, doc, louis.token);
      clients.push(again);
      await synced(again);
      expect(titles(again)).toEqual(both);
      const back = await openSession(srv.url, ana.token);
      sessions.push(back);
      await waitFor(() => back.mine.at(-1)?.remaining === 4, { message: "Ana's dot" });
      expect(back.mine.at(-1)).toEqual({ remaining: 4, votes: { [`${groupId}/r2`]: 1 } });
      const list = await fetch(`${srv.url}/api/workshops/${w.workshopId}/snapshots`, {
        headers: { authorization: `Bearer ${w.facilitatorKey}` },
      });
      const snapshots = (await list.json()) as unknown;
      expect(JSON.stringify(snapshots)).toContain('Après le vote');
      expect(existsSync(path.join(srv.dataDir, 'atelier.sqlite'))).toBe(false);

      // The rows are PostgreSQL's: a direct look at the database agrees.
      const check = new pg.Client({ connectionString: databaseUrl });
      await check.connect();
      const { rows } = await check.query(
        'SELECT (SELECT count(*)::int FROM participants WHERE workshop_id = $1) AS people, (SELECT sum(count)::int FROM votes WHERE workshop_id = $1) AS dots',
        [w.workshopId],
      );
      await check.end();
      expect(rows[0]).toEqual({ people: 2, dots: 1 });
    } finally {
      for (const c of clients) c.destroy();
      for (const s of sessions) s.socket.disconnect();
      await srv.stop();
    }
  });
});
