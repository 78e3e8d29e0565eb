// Durability: what another client has seen survives a SIGKILL; rooms unload and reload from the
// database; the update log is compacted; SIGTERM shuts down cleanly.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addRecommendation, readRecommendations } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, synced, type YClient } from '../helpers/clients.js';
import { spawnServer, type ChildServer } from '../helpers/process.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-durability-'));
  dirs.push(dir);
  return dir;
}

const children: ChildServer[] = [];
const clients: YClient[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const c of children.splice(0))
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  for (const s of servers.splice(0)) await s.stop({ keepData: true });
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function spawn(env: Record<string, string>): Promise<ChildServer> {
  const c = await spawnServer(env);
  children.push(c);
  return c;
}
function open(url: string, workshopId: string, docName: string, token: string): YClient {
  const client = connectDoc(url, workshopId, docName, token);
  clients.push(client);
  return client;
}
function close(...list: YClient[]): void {
  for (const client of list) {
    clients.splice(clients.indexOf(client), 1);
    client.destroy();
  }
}
const titleOf = (client: YClient | Y.Doc, id: string) =>
  readRecommendations(client instanceof Y.Doc ? client : client.doc).find((r) => r.id === id)
    ?.title;

describe('durability', () => {
  it('an update another client has received survives a SIGKILL of the server', async () => {
    const dataDir = tempDir();
    const first = await spawn({ DATA_DIR: dataDir });
    const w = await createWorkshop(first.url);
    const groupId = w.groups[0]!.id;
    const ana = await joinWorkshop(first.url, w.code, { name: 'Ana', groupId });
    const louis = await joinWorkshop(first.url, w.code, { name: 'Louis', groupId });
    const a = open(first.url, w.workshopId, groupDocName(groupId), ana.token);
    const b = open(first.url, w.workshopId, groupDocName(groupId), louis.token);
    await Promise.all([synced(a), synced(b)]);

    // B kills the server the moment it has received the first half of a stream of keystrokes,
    // and remembers exactly what it saw.
    let seen: string | undefined;
    b.doc.on('update', () => {
      const title = titleOf(b, 'r1');
      if (seen === undefined && title !== undefined && title.length >= 10) {
        first.child.kill('SIGKILL');
        seen = title;
      }
    });
    const entry = addRecommendation(a.doc, {
      id: 'r1',
      title: '',
      body: '',
      authorId: ana.participantId,
      createdAt: 1,
    });
    const text = entry.get('title') as Y.Text;
    for (const char of 'Cartographier les ressources en eau') text.insert(text.length, char);

    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(seen).toBeDefined();
    close(a, b);

    const second = await spawn({ DATA_DIR: dataDir });
    const fresh = open(second.url, w.workshopId, groupDocName(groupId), louis.token);
    await synced(fresh);
    const restored = titleOf(fresh, 'r1');
    expect(restored).toBeDefined();
    // Everything B saw is there (and possibly more that the server stored before dying).
    expect(restored!.startsWith(seen!)).toBe(true);
    expect(restored!.length).toBeGreaterThanOrEqual(seen!.length);
  });

  it('SIGTERM stops the server cleanly with exit code 0, keeping what was written', async () => {
    const dataDir = tempDir();
    const child = await spawn({ DATA_DIR: dataDir });
    const w = await createWorkshop(child.url);
    const groupId = w.groups[0]!.id;
    const ana = await joinWorkshop(child.url, w.code, { name: 'Ana', groupId });
    const a = open(child.url, w.workshopId, groupDocName(groupId), ana.token);
    const observer = open(child.url, w.workshopId, groupDocName(groupId), w.facilitatorKey);
    await Promise.all([synced(a), synced(observer)]);
    addRecommendation(a.doc, {
      id: 'r1',
      title: 'Avant l’arrêt',
      body: '',
      authorId: ana.participantId,
      createdAt: 1,
    });
    await waitFor(() => titleOf(observer, 'r1') === 'Avant l’arrêt');

    child.child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.lines.some((line) => line.includes('SIGTERM'))).toBe(true);

    const db = new Database(path.join(dataDir, 'atelier.sqlite'), { readonly: true });
    const rows = db
      .prepare<[string, string], { n: number }>(
        `SELECT (SELECT count(*) FROM doc_updates WHERE workshop_id = ?)
              + (SELECT count(*) FROM doc_states WHERE workshop_id = ?) AS n`,
      )
      .get(w.workshopId, w.workshopId);
    db.close();
    expect(rows?.n).toBeGreaterThan(0);
  });

  it('a room unloads when its last client leaves, and reloads its content for the next client', async () => {
    const srv = await startServer();
    servers.push(srv);
    const w = await createWorkshop(srv.url);
    const groupId = w.groups[0]!.id;
    const docName = groupDocName(groupId);
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId });
    const a = open(srv.url, w.workshopId, docName, ana.token);
    const b = open(srv.url, w.workshopId, docName, w.facilitatorKey);
    await Promise.all([synced(a), synced(b)]);
    expect(srv.server.rooms.isLoaded(w.workshopId, docName)).toBe(true);
    addRecommendation(a.doc, {
      id: 'r1',
      title: 'En mémoire',
      body: 'puis sur disque',
      authorId: 'x',
      createdAt: 1,
    });
    await waitFor(() => titleOf(b, 'r1') === 'En mémoire');

    close(a);
    expect(srv.server.rooms.isLoaded(w.workshopId, docName)).toBe(true); // b is still there
    close(b);
    await waitFor(() => !srv.server.rooms.isLoaded(w.workshopId, docName), {
      message: 'room unloaded',
    });

    const next = open(srv.url, w.workshopId, docName, ana.token);
    await synced(next);
    expect(srv.server.rooms.isLoaded(w.workshopId, docName)).toBe(true);
    expect(readRecommendations(next.doc)).toEqual([
      { id: 'r1', title: 'En mémoire', body: 'puis sur disque', authorId: 'x', createdAt: 1 },
    ]);
    // The reloaded room is live: edits flow again.
    const other = open(srv.url, w.workshopId, docName, w.facilitatorKey);
    await synced(other);
    addRecommendation(next.doc, {
      id: 'r2',
      title: 'Encore',
      body: '',
      authorId: 'x',
      createdAt: 2,
    });
    await waitFor(() => titleOf(other, 'r2') === 'Encore');
  });

  it('the update log is compacted past COMPACT_AFTER, and the content survives a restart', async () => {
    const dataDir = tempDir();
    const srv = await startServer({ dataDir, env: { COMPACT_AFTER: '5' } });
    servers.push(srv);
    const w = await createWorkshop(srv.url);
    const groupId = w.groups[0]!.id;
    const docName = groupDocName(groupId);
    const ana = await joinWorkshop(srv.url, w.code, { name: 'Ana', groupId });
    const a = open(srv.url, w.workshopId, docName, ana.token);
    const observer = open(srv.url, w.workshopId, docName, w.facilitatorKey);
    await Promise.all([synced(a), synced(observer)]);

    for (let i = 0; i < 20; i++) {
      addRecommendation(a.doc, {
        id: `r${i}`,
        title: `Idée ${i}`,
        body: '',
        authorId: 'x',
        createdAt: i,
      });
      // One at a time: updates that reach the server together are stored as one merged row.
      await waitFor(() => readRecommendations(observer.doc).length === i + 1, {
        message: `edit ${i + 1} relayed`,
      });
    }

    const counts = () => {
      const db = new Database(srv.config.databaseFile, { readonly: true });
      try {
        const updates = db
          .prepare<[string, string], { n: number }>(
            'SELECT count(*) AS n FROM doc_updates WHERE workshop_id = ? AND doc_name = ?',
          )
          .get(w.workshopId, docName)!.n;
        const states = db
          .prepare<[string, string], { n: number }>(
            'SELECT count(*) AS n FROM doc_states WHERE workshop_id = ? AND doc_name = ?',
          )
          .get(w.workshopId, docName)!.n;
        return { updates, states };
      } finally {
        db.close();
      }
    };
    // While the room is live, the log never holds COMPACT_AFTER updates for long.
    const live = await waitFor(
      () => {
        const c = counts();
        return c.updates < 5 ? c : null;
      },
      { message: 'log compacted' },
    );
    expect(live.states).toBe(1);

    close(a, observer);
    await srv.stop({ keepData: true });
    servers.splice(servers.indexOf(srv), 1);
    const stopped = counts();
    expect(stopped.updates).toBeLessThan(20);
    expect(stopped.states).toBe(1);

    const again = await startServer({ dataDir, env: { COMPACT_AFTER: '5' } });
    servers.push(again);
    const fresh = open(again.url, w.workshopId, docName, ana.token);
    await synced(fresh);
    expect(readRecommendations(fresh.doc).map((r) => r.title)).toEqual(
      Array.from({ length: 20 }, (_, i) => `Idée ${i}`),
    );
  });
});
