// A disk that fills up, or a database that turns read-only, under a room being written: nothing
// unstored reaches a peer, clients reconnect to a copy reloaded from disk, and once the disk
// accepts writes again every edit arrives and is stored, without restarting the server. The
// SQLite store is real; only its writes are made to fail, with SQLite's own error codes.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecommendations, addRecommendation } from '../../shared/doc.js';
import { groupDocName } from '../../shared/ids.js';
import { createServer, type AtelierServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createSqliteStore } from '../../server/store/sqlite.js';
import type { Store } from '../../server/store/store.js';
import { createWorkshop, joinWorkshop } from '../helpers/api.js';
import { connectDoc, synced, type YClient } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait.js';

/** The real store, whose writes of documents fail with `code` while `failing.code` is set. */
function faultyStore(
  file: string,
  failing: { code: string | null; compactionOnly?: boolean },
): Store {
  const store = createSqliteStore(file);
  const failIfAsked = (compaction = false) => {
    if (failing.code && (compaction || !failing.compactionOnly)) {
      throw Object.assign(
        new Error(
          failing.code === 'SQLITE_FULL'
            ? 'database or disk is full'
            : 'attempt to write a readonly database',
        ),
        {
          code: failing.code,
        },
      );
    }
  };
  return {
    ...store,
    async appendUpdate(...args) {
      failIfAsked();
      return store.appendUpdate(...args);
    },
    async compactDoc(...args) {
      failIfAsked(true);
      return store.compactDoc(...args);
    },
  };
}

let server: AtelierServer | null = null;
let dataDir = '';
const clients: YClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  server = null;
  rmSync(dataDir, { recursive: true, force: true });
});

describe.each(['SQLITE_FULL', 'SQLITE_READONLY'])('when the store refuses writes (%s)', (code) => {
  it('nothing unstored reaches a peer, and every edit is stored once writes work again, without a restart', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-disk-'));
    const failing: { code: string | null } = { code: null };
    const config = loadConfig(
      { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      { clientDir: '' },
    );
    server = createServer(config, { store: faultyStore(config.databaseFile, failing) });
    const { url } = await server.listen();
    const w = await createWorkshop(url, { title: 'Disque', groups: ['A'] });
    const docA = groupDocName(w.groups[0]!.id);
    const member = await joinWorkshop(url, w.code, { name: 'Ana' });
    const writer = connectDoc(url, w.workshopId, docA, member.token);
    const peer = connectDoc(url, w.workshopId, docA, w.facilitatorKey);
    clients.push(writer, peer);
    await Promise.all([synced(writer), synced(peer)]);
    const titles = (c: YClient) =>
      readRecommendations(c.doc)
        .map((r) => r.title)
        .sort();
    const add = (c: YClient, id: string) =>
      addRecommendation(c.doc, {
        id,
        title: id,
        body: '',
        authorId: member.participantId,
        createdAt: 1,
      });

    add(writer, 'avant');
    await waitFor(() => titles(peer).includes('avant'));

    failing.code = code;
    add(writer, 'pendant');
    // The room gives up on the failed write: its clients are closed and come back to a copy
    // reloaded from disk, which again cannot store the edit.
    await waitFor(() => writer.closes.filter((c) => c === 1011).length >= 2, {
      message: 'the writer closed and reconnected more than once',
    });
    expect(titles(peer)).not.toContain('pendant');
    expect(titles(writer)).toContain('pendant');

    failing.code = null;
    await waitFor(() => titles(peer).includes('pendant'), {
      message: 'the edit arrives once the disk recovers',
    });
    add(writer, 'après');
    await waitFor(() => titles(peer).includes('après'));
    for (const c of clients.splice(0)) c.destroy();
    await waitFor(() => !server!.rooms.isLoaded(w.workshopId, docA), { message: 'room unloaded' });
    const stored = await server.rooms.withDoc(w.workshopId, docA, (doc) =>
      readRecommendations(doc)
        .map((r) => r.title)
        .sort(),
    );
    expect(stored).toEqual(['après', 'avant', 'pendant']);
  });
});

describe('when only compaction fails', () => {
  it('writes go on, the log is kept, and the document is whole after a reload', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-disk-'));
    const failing = { code: 'SQLITE_FULL', compactionOnly: true };
    const config = loadConfig(
      { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', COMPACT_AFTER: '2' },
      { clientDir: '' },
    );
    server = createServer(config, { store: faultyStore(config.databaseFile, failing) });
    const { url } = await server.listen();
    const w = await createWorkshop(url, { title: 'Compaction', groups: ['A'] });
    const docA = groupDocName(w.groups[0]!.id);
    const member = await joinWorkshop(url, w.code, { name: 'Ana' });
    const writer = connectDoc(url, w.workshopId, docA, member.token);
    const peer = connectDoc(url, w.workshopId, docA, w.facilitatorKey);
    clients.push(writer, peer);
    await Promise.all([synced(writer), synced(peer)]);
    const titles = (c: YClient) =>
      readRecommendations(c.doc)
        .map((r) => r.title)
        .sort();
    for (let i = 0; i < 6; i++) {
      addRecommendation(writer.doc, {
        id: `c${i}`,
        title: `c${i}`,
        body: '',
        authorId: 'a',
        createdAt: 1,
      });
    }
    await waitFor(() => titles(peer).length === 6, { message: 'every card relayed' });
    expect(writer.closes).toEqual([]);
    for (const c of clients.splice(0)) c.destroy();
    await waitFor(() => !server!.rooms.isLoaded(w.workshopId, docA), { message: 'room unloaded' });
    expect((await server.store.loadDoc(w.workshopId, docA)).state).toBeNull();
    const stored = await server.rooms.withDoc(w.workshopId, docA, (doc) =>
      readRecommendations(doc)
        .map((r) => r.title)
        .sort(),
    );
    expect(stored).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
  });
});
