// WAL checkpoints off the event loop. A checkpoint copies the write-ahead log into the database
// file and fsyncs it: milliseconds on a quiet disk, hundreds when the disk is busy. Left to
// SQLite (wal_autocheckpoint), it runs inside whichever commit crosses the threshold, on the
// event loop, and every participant's keystroke waits behind it. Here a worker thread with its
// own connection checkpoints at an interval instead, in PASSIVE mode (it never blocks the writer).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints. At 1,000 keystrokes a second the WAL grows ~10 MB a second. */
export const CHECKPOINT_INTERVAL_MS = 1000;

export interface Checkpointer {
  /** Stops the worker; the caller runs the last checkpoint on its own connection. */
  stop(): Promise<void>;
}

// The worker's whole program: CommonJS, so it loads better-sqlite3 by the path we resolve here.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** `onFailure` runs if the worker dies: the caller falls back to checkpointing on its own. */
export function startCheckpointer(
  databaseFile: string,
  onFailure: (error: unknown) => void,
  intervalMs = CHECKPOINT_INTERVAL_MS,
): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file: databaseFile,
      module: createRequire(import.meta.url).resolve('better-sqlite3'),
      intervalMs,
    },
  });
  // A store that is never closed must not keep the process alive.
  worker.unref();
  worker.once('error', onFailure);
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      worker.postMessage('stop');
      await exited;
    },
  };
}
