import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the WAL is copied back into the database file. */
const EVERY_MS = 1000;

// The thread's own code: its own connection to the file, checkpointing PASSIVE (it
// neither waits for nor blocks a reader or the writer) until told to stop.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Sqlite = require(workerData.libsql);
const db = new Sqlite(workerData.file);
const checkpoint = db.prepare('pragma wal_checkpoint(PASSIVE)');
const run = () => { try { checkpoint.all(); } catch {} };
const timer = setInterval(run, workerData.everyMs);
parentPort.once('message', () => { clearInterval(timer); run(); db.close(); parentPort.close(); });
`;

/**
 * SQLite copies its write-ahead log back into the database file (a checkpoint) in the
 * call that commits, once the log has grown past 1,000 pages. After a large transaction
 * — an import of 100,000 clusters writes some 180 MB — that one call held the server's
 * thread, and every request with it, for over a second. The writer's own checkpoints are
 * turned off (`wal_autocheckpoint = 0`, see `openSqlite`) and a thread of their own runs
 * them instead, every second.
 */
export function checkpointOffThread(file: string): { stop(): Promise<void> } {
  const libsql = createRequire(import.meta.url).resolve('libsql');
  const worker = new Worker(THREAD, { eval: true, workerData: { file, libsql, everyMs: EVERY_MS } });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // A thread that fails leaves the log to grow until the last connection closes, which checkpoints it.
  worker.on('error', () => {});
  return {
    async stop() {
      // Held open until the thread has closed its connection.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
