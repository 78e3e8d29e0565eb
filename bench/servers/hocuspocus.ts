// Hocuspocus as it is usually deployed: @hocuspocus/server with token authentication and SQLite
// storage written the way its SQLite extension does it (the whole document state, debounced by
// the server: 2 s after the last change, at most 10 s late). Same machine, same better-sqlite3.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Server } from '@hocuspocus/server';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { startHarness } from './harness.js';

const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir) throw new Error('BENCH_DATA_DIR is required');
mkdirSync(dataDir, { recursive: true });
const databaseFile = path.join(dataDir, 'hocuspocus.sqlite');
const db = new Database(databaseFile);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE IF NOT EXISTS documents (name TEXT PRIMARY KEY, data BLOB NOT NULL)');
const selectDoc = db.prepare<[string], { data: Buffer }>(
  'SELECT data FROM documents WHERE name = ?',
);
const upsertDoc = db.prepare(
  'INSERT INTO documents (name, data) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET data = excluded.data',
);

/** Tokens the coordinator registers before clients connect (the bench's stand-in for a user table). */
const tokens = new Set<string>();
const counters = { stores: 0, storedBytes: 0, storeMs: 0 };

const server = new Server({
  port: 0,
  address: '127.0.0.1',
  quiet: true,
  stopOnSignals: false,
  async onAuthenticate({ token }) {
    if (!tokens.has(token)) throw new Error('unauthorized');
    return { token };
  },
  async onLoadDocument({ documentName, document }) {
    const row = selectDoc.get(documentName);
    if (row) Y.applyUpdate(document, new Uint8Array(row.data));
    return document;
  },
  async onStoreDocument({ documentName, document }) {
    const t = performance.now();
    const state = Y.encodeStateAsUpdate(document);
    upsertDoc.run(documentName, state);
    counters.storeMs += performance.now() - t;
    counters.stores++;
    counters.storedBytes += state.byteLength;
  },
});

const harness = startHarness({
  extra: () => ({
    ...counters,
    rooms: server.hocuspocus.getDocumentsCount(),
    connections: server.hocuspocus.getConnectionsCount(),
    databaseFile,
  }),
  stop: async () => {
    server.hocuspocus.flushPendingStores();
    await server.destroy();
    db.close();
  },
  handlers: {
    registerTokens: (list: string[]) => {
      for (const token of list) tokens.add(token);
      return tokens.size;
    },
    resetStorageCounters: () => {
      counters.stores = 0;
      counters.storedBytes = 0;
      counters.storeMs = 0;
      return null;
    },
    /** Bytes at rest: every stored document, after a forced flush of pending stores. */
    storedState: async () => {
      server.hocuspocus.flushPendingStores();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const row = db
        .prepare('SELECT count(*) AS n, coalesce(sum(length(data)), 0) AS bytes FROM documents')
        .get() as {
        n: number;
        bytes: number;
      };
      return row;
    },
  },
});
await server.listen();
harness.ready(server.address.port, { databaseFile });
