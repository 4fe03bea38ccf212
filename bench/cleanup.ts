/** Things to undo however the run ends (normal end, error, Ctrl-C, watchdog): child servers, temp dirs, databases. */
const tasks = new Map<number, { label: string; fn: () => Promise<void> }>();
let next = 1;

/** Registers an undo step; the returned function runs it now (once) and unregisters it. */
export function onCleanup(label: string, fn: () => Promise<void>): () => Promise<void> {
  const id = next++;
  tasks.set(id, { label, fn });
  return async () => {
    if (!tasks.delete(id)) return;
    await fn();
  };
}

/** Runs every pending step, newest first; failures are reported, never thrown. */
export async function cleanupAll(): Promise<void> {
  for (const [id, t] of [...tasks.entries()].reverse()) {
    tasks.delete(id);
    await t.fn().catch((e: Error) => process.stderr.write(`cleanup (${t.label}) failed: ${e.message}\n`));
  }
}

/** Ends the process after cleaning up, on SIGINT/SIGTERM or when the watchdog fires. */
export function installExitHandlers(maxSeconds: number): () => void {
  let exiting = false;
  const bail = (why: string, code: number) => {
    if (exiting) return;
    exiting = true;
    process.stderr.write(`\n${why}: cleaning up\n`);
    const hard = setTimeout(() => process.exit(code), 30_000);
    hard.unref();
    void cleanupAll().finally(() => process.exit(code));
  };
  const onInt = () => bail('interrupted', 130);
  const onTerm = () => bail('terminated', 143);
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const watchdog = setTimeout(() => bail(`the benchmark exceeded BENCH_MAX_SECONDS=${maxSeconds}`, 2), maxSeconds * 1000);
  return () => {
    clearTimeout(watchdog);
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}
