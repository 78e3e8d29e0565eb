// Atelier as the benchmark runs it: the real composition root (server/app.ts createServer) with
// its SQLite store on disk, in its own process. The store is wrapped only to count what the
// update log receives (bytes, calls, time spent in SQLite); nothing else is changed.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createServer } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createSqliteStore } from '../../server/store/sqlite.js';
import type { Store } from '../../server/store/store.js';
import { Histogram } from '../lib/histogram.js';
import { startHarness } from './harness.js';

const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir) throw new Error('BENCH_DATA_DIR is required');

const config = loadConfig(
  // COMPACT_AFTER passes through, to compare compaction thresholds; unset, the server's default.
  // Every simulated participant joins from this one address, up to 1000 in one workshop: the
  // door's per-address and per-workshop limits (server/http/limits.ts) are lifted.
  {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    CLIENT_DIR: '',
    COMPACT_AFTER: process.env.COMPACT_AFTER ?? '',
    MAX_PARTICIPANTS: '100000',
    JOINS_PER_10MIN: '1000000',
    LOOKUPS_PER_10MIN: '1000000',
    CREATE_PER_HOUR: '1000000',
  },
  { clientDir: '' },
);

const counters = {
  appends: 0,
  appendedBytes: 0,
  appendMs: 0,
  compactions: 0,
  compactedBytes: 0,
  compactMs: 0,
};
/** How long each append takes until committed (better-sqlite3 commits synchronously: the time it holds the event loop). */
let appendTimes = new Histogram();
const inner: Store = createSqliteStore(config.databaseFile);
const store: Store = {
  ...inner,
  async appendUpdate(workshopId, docName, update) {
    const t = performance.now();
    const result = await inner.appendUpdate(workshopId, docName, update);
    const ms = performance.now() - t;
    counters.appendMs += ms;
    appendTimes.record(ms);
    counters.appends++;
    counters.appendedBytes += update.byteLength;
    return result;
  },
  async compactDoc(workshopId, docName, state, throughSeq) {
    const t = performance.now();
    await inner.compactDoc(workshopId, docName, state, throughSeq);
    counters.compactMs += performance.now() - t;
    counters.compactions++;
    counters.compactedBytes += state.byteLength;
  },
};

const server = createServer(config, { store });
const harness = startHarness({
  extra: () => ({ ...counters, appendTimes: appendTimes.summary(), ...server.rooms.stats() }),
  stop: () => server.close(),
  handlers: {
    resetStorageCounters: () => {
      for (const key of Object.keys(counters) as (keyof typeof counters)[]) counters[key] = 0;
      appendTimes = new Histogram();
      return null;
    },
  },
});
const { port } = await server.listen();
harness.ready(port, { databaseFile: path.resolve(config.databaseFile) });
