import { statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { startThread } from '../../core/threads.js';

export interface CheckpointThreadData {
  file: string;
  everyMs: number;
}

/** The write-ahead log's size from which a thread of its own checkpoints it (small databases never start one). */
const START_AT_BYTES = 4 * 1024 * 1024;
/** The main connection's own autocheckpoint, in pages: only a safety net once the thread runs. */
export const MAIN_AUTOCHECKPOINT_PAGES = 16_384;

/**
 * SQLite copies its write-ahead log into the database file at a checkpoint; by default the connection that commits
 * does it, every 1 000 pages, synchronously and with fsyncs — on a busy server, a few milliseconds added to every
 * tenth write, and a quarter of a batch import's time. Once the log has grown past START_AT_BYTES, a thread with
 * its own connection runs PASSIVE checkpoints every `everyMs` instead (they never block a writer); the main
 * connection keeps a high autocheckpoint in case the thread falls behind. Decision 0015, addendum.
 */
export class WalCheckpointer {
  private worker: Worker | undefined;
  private readonly watch: NodeJS.Timeout;
  private stopped = false;
  private exit: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly everyMs = 200,
  ) {
    this.watch = setInterval(() => this.check(), 1000);
    this.watch.unref();
  }

  /** Whether the thread runs (for tests). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  check(): void {
    if (this.worker || this.stopped) return;
    const wal = statSync(`${this.file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    if (wal < START_AT_BYTES) return;
    const data: CheckpointThreadData = { file: this.file, everyMs: this.everyMs };
    const worker = startThread(import.meta.url, 'checkpoint-thread', data);
    worker.unref();
    worker.on('error', () => undefined);
    // a thread that died is started again at the next check
    this.exit = new Promise((resolve) =>
      worker.on('exit', () => {
        if (this.worker === worker) this.worker = undefined;
        resolve();
      }),
    );
    this.worker = worker;
  }

  /** Stops the thread; it closes its connection first. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.watch);
    this.worker?.postMessage('stop');
    this.worker = undefined;
  }

  /** Resolves once the last thread started has exited (at once if none ran). */
  exited(): Promise<void> {
    return this.exit;
  }
}
