// The checkpointing thread's entry (see checkpointer.ts): copies the write-ahead log into the database file with
// PASSIVE checkpoints on a connection of its own, so that no request waits for that copy (and its fsyncs).
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { CheckpointThreadData } from './checkpointer.js';
import { yieldToRequests } from '../../core/threads.js';

// background work: the copy takes what serving requests leaves of the cores
yieldToRequests();

const data = workerData as CheckpointThreadData;
const db = new BetterSqlite3(data.file);
db.pragma('busy_timeout = 0');
const port = parentPort!;

const tick = setInterval(() => {
  try {
    // PASSIVE: copies what no reader still needs, never waits for and never blocks a writer
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy or closing: the next tick tries again (the main connection's autocheckpoint is the safety net)
  }
}, data.everyMs);

port.on('message', (m: string) => {
  if (m !== 'stop') return;
  clearInterval(tick);
  db.close();
  port.close();
});
