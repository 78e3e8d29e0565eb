// A what-if for the store's write path, measured without touching server/: the same Store
// contract, but the update log is written the way the profile suggests.
//
// 1. Group commit: every append queued during one event-loop turn goes into one transaction
//    (the room layer keeps one append in flight per document, so a batch holds at most one
//    update per document and nothing waits longer than a turn).
// 2. The log length of each document is kept in memory instead of `SELECT count(*)` per append.
// 3. WAL checkpoints (the writes and fsyncs that copy the log into the database file) run in a
//    worker thread with its own connection, every 500 ms, instead of inside a commit on the
//    event loop whenever the WAL passes 1000 pages.
//
// Durability is unchanged: an append resolves (and the room broadcasts it) only once its
// transaction has committed.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { AppendResult, Store } from '../../server/store/store.js';

/** How often the worker thread checkpoints the WAL (PASSIVE: never blocks the writer). */
const CHECKPOINT_INTERVAL_MS = 500;

interface Pending {
  workshopId: string;
  docName: string;
  update: Uint8Array;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

export function withGroupCommit(
  inner: Store,
  databaseFile: string,
): Store & { batches: () => number[] } {
  // The inner store has created the schema; this connection writes the log.
  const db = new Database(databaseFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('wal_autocheckpoint = 0');
  const insert = db.prepare(
    'INSERT INTO doc_updates (workshop_id, doc_name, data) VALUES (?, ?, ?)',
  );
  const count = db.prepare<[string, string], { n: number }>(
    'SELECT count(*) AS n FROM doc_updates WHERE workshop_id = ? AND doc_name = ?',
  );
  const logLength = new Map<string, number>();
  const key = (workshopId: string, docName: string) => `${workshopId}\u0000${docName}`;
  const lengthOf = (workshopId: string, docName: string) => {
    const k = key(workshopId, docName);
    let n = logLength.get(k);
    if (n === undefined) {
      n = count.get(workshopId, docName)?.n ?? 0;
      logLength.set(k, n);
    }
    return n;
  };

  let queue: Pending[] = [];
  const batchSizes: number[] = [];
  const commit = db.transaction((items: Pending[]) =>
    items.map((item) => {
      const n = lengthOf(item.workshopId, item.docName) + 1;
      const seq = Number(insert.run(item.workshopId, item.docName, item.update).lastInsertRowid);
      return { seq, n };
    }),
  );
  const flush = () => {
    const items = queue;
    queue = [];
    batchSizes.push(items.length);
    try {
      const results = commit(items);
      items.forEach((item, i) => {
        logLength.set(key(item.workshopId, item.docName), results[i]!.n);
        item.resolve({ seq: results[i]!.seq, logLength: results[i]!.n });
      });
    } catch (error) {
      // The transaction rolled back: forget cached lengths, they may be ahead.
      logLength.clear();
      for (const item of items) item.reject(error);
    }
  };

  const checkpointer = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const Database = require(workerData.module);
     const db = new Database(workerData.file);
     db.pragma('busy_timeout = 5000');
     const timer = setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} }, workerData.interval);
     parentPort.on('message', () => { clearInterval(timer); db.close(); process.exit(0); });`,
    {
      eval: true,
      workerData: {
        file: databaseFile,
        module: fileURLToPath(import.meta.resolve('better-sqlite3')),
        interval: CHECKPOINT_INTERVAL_MS,
      },
    },
  );
  checkpointer.unref();

  return {
    ...inner,
    appendUpdate(workshopId, docName, update) {
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ workshopId, docName, update, resolve, reject });
        if (queue.length === 1) setImmediate(flush);
      });
    },
    async compactDoc(workshopId, docName, state, throughSeq) {
      await inner.compactDoc(workshopId, docName, state, throughSeq);
      logLength.delete(key(workshopId, docName));
    },
    async close() {
      if (queue.length > 0) flush();
      checkpointer.postMessage('stop');
      db.pragma('wal_checkpoint(PASSIVE)');
      db.close();
      await inner.close();
    },
    batches: () => batchSizes.splice(0),
  };
}
