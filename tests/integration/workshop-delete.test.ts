// Deleting a workshop (contract 1.1: DELETE /api/workshops/:workshopId) and retention: every
// connection ends, every token and key stops working, and nothing of it is left in the database
// file or in memory; other workshops are untouched.
import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupDocName } from '../../shared/ids.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, synced, type YClient } from '../helpers/clients.js';
import { ok, record, sessionPool, writeRecommendations } from '../helpers/realtime.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

let srv: TestServer;
const { session, closeAll } = sessionPool(() => srv.url);
const docs: YClient[] = [];
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  closeAll();
  for (const d of docs.splice(0)) d.destroy();
  await srv.stop();
});

const DAY = 24 * 60 * 60 * 1000;

function del(workshopId: string, key?: string) {
  return fetch(`${srv.url}/api/workshops/${workshopId}`, {
    method: 'DELETE',
    headers: key ? { authorization: `Bearer ${key}` } : {},
  });
}

/** Rows that name the workshop, in every table of the database. */
function rowsOf(workshopId: string): number {
  const db = new Database(srv.config.databaseFile, { readonly: true });
  try {
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((t) => t.name);
    let rows = 0;
    for (const table of tables) {
      const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      const column = columns.some((c) => c.name === 'workshop_id')
        ? 'workshop_id'
        : table === 'workshops'
          ? 'id'
          : null;
      if (column)
        rows += (
          db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`).get(workshopId) as {
            n: number;
          }
        ).n;
    }
    return rows;
  } finally {
    db.close();
  }
}

function fileHolds(text: string): boolean {
  const file = srv.config.databaseFile;
  return [file, `${file}-wal`]
    .filter(existsSync)
    .some((f) => readFileSync(f).includes(Buffer.from(text)));
}

describe('deleting a workshop', () => {
  it('ends every connection, refuses every token and key, and leaves no row nor word of it; others are untouched', async () => {
    const w = await createWorkshop(srv.url, { title: 'Atelier à effacer', groups: ['A'] });
    const other = await createWorkshop(srv.url, { title: 'Atelier gardé', groups: ['A'] });
    const groupId = w.groups[0]!.id;
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana-9c2e', groupId });
    await writeRecommendations(srv.url, w.workshopId, groupId, ana.token, w.facilitatorKey, [
      { id: 'r1', title: 'Carte-9c2e' },
    ]);
    const facilitator = await session(w.facilitatorKey);
    const participant = await session(ana.token);
    await ok(facilitator.socket, 'phase:set', { phase: 'vote' });
    await ok(participant.socket, 'vote:cast', { targetId: `${groupId}/r1`, delta: 1 });
    const snapshot = await fetch(`${srv.url}/api/workshops/${w.workshopId}/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.facilitatorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'avant' }),
    });
    expect(snapshot.status).toBe(201);
    const doc = connectDoc(srv.url, w.workshopId, groupDocName(groupId), ana.token);
    docs.push(doc);
    await synced(doc);
    const removed = record(participant.socket, 'session:removed');
    expect(rowsOf(w.workshopId)).toBeGreaterThan(0);

    expect((await del(w.workshopId)).status).toBe(401);
    expect((await del(w.workshopId, other.facilitatorKey)).status).toBe(403);
    expect((await del(w.workshopId, w.facilitatorKey)).status).toBe(204);

    expect(removed).toEqual([{ reason: 'deleted' }]);
    await waitFor(() => !participant.socket.connected && !facilitator.socket.connected, {
      message: 'sockets let go',
    });
    await waitFor(() => doc.closes.length > 0, { message: 'document connection closed' });
    expect((await fetch(`${srv.url}/api/workshops/${w.code}`)).status).toBe(404);
    expect((await del(w.workshopId, w.facilitatorKey)).status).toBe(401);
    expect(srv.server.rooms.isLoaded(w.workshopId, groupDocName(groupId))).toBe(false);
    expect(rowsOf(w.workshopId)).toBe(0);
    expect(fileHolds('Carte-9c2e')).toBe(false);
    expect(fileHolds('Ana-9c2e')).toBe(false);
    // The other workshop still answers.
    expect((await fetch(`${srv.url}/api/workshops/${other.code}`)).status).toBe(200);
    expect(rowsOf(other.workshopId)).toBeGreaterThan(0);
  });
});

describe('retention', () => {
  it('a closed workshop goes after the retention; one never closed after twice as long; recent ones stay', async () => {
    const closed = await createWorkshop(srv.url, { title: 'Clos', groups: ['A'] });
    const open = await createWorkshop(srv.url, { title: 'Ouvert', groups: ['A'] });
    const facilitator = await session(closed.facilitatorKey);
    await ok(facilitator.socket, 'phase:set', { phase: 'closed' });
    const retention = srv.config.retentionDays;
    expect(retention).toBeGreaterThan(0);

    expect(await srv.server.deletion.sweep(Date.now())).toEqual([]);
    const later = await srv.server.deletion.sweep(Date.now() + (retention + 1) * DAY);
    expect(later).toContain(closed.workshopId);
    expect(later).not.toContain(open.workshopId);
    expect(rowsOf(closed.workshopId)).toBe(0);
    expect((await fetch(`${srv.url}/api/workshops/${open.code}`)).status).toBe(200);

    const muchLater = await srv.server.deletion.sweep(Date.now() + (2 * retention + 1) * DAY);
    expect(muchLater).toContain(open.workshopId);
    expect((await fetch(`${srv.url}/api/workshops/${open.code}`)).status).toBe(404);
  });
});
