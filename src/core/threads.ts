import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running the module `name` (no extension) that sits beside the module `from` (its
 * import.meta.url): the built `.js` file in an install, or, from the TypeScript sources (tests, tsx), the `.ts` file
 * through tsx's loader, registered in the thread first as the main thread had it.
 */
export function startThread(from: string, name: string, workerData: unknown): Worker {
  const fromSources = from.endsWith('.ts');
  const entry = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, from);
  return fromSources
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, {
        eval: true,
        workerData,
      })
    : new Worker(entry, { workerData, execArgv: [] });
}

/**
 * Lowers the priority of the calling thread (Linux: `setpriority` on its thread id, from /proc/thread-self) to
 * `nice`, so that its background work — sending webhooks, checkpointing — runs on what request serving leaves of
 * the cores instead of competing with it. Elsewhere, or when refused, it changes nothing. Returns whether it did.
 */
export function yieldToRequests(nice = 10): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
