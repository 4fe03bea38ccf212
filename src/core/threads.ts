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
