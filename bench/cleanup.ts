/** Things to undo however the run ends (normal end, error, Ctrl-C, watchdog): child servers, temp dirs, databases. */
interface Task {
  label: string;
  fn: () => Promise<void>;
  /** Set on the first run; every later caller awaits the same promise, so nobody exits while it is in flight. */
  running?: Promise<void>;
}

const tasks: Task[] = [];

function run(t: Task): Promise<void> {
  t.running ??= t.fn().catch((e: Error) => {
    process.stderr.write(`cleanup (${t.label}) failed: ${e.message}\n`);
  });
  return t.running;
}

/** Registers an undo step; the returned function runs it now (at most once overall) and waits for it. */
export function onCleanup(label: string, fn: () => Promise<void>): () => Promise<void> {
  const t: Task = { label, fn };
  tasks.push(t);
  return async () => {
    await run(t);
    const i = tasks.indexOf(t);
    if (i >= 0) tasks.splice(i, 1);
  };
}

/** Runs every pending step, newest first, and waits for those already running; never throws. */
export async function cleanupAll(): Promise<void> {
  for (const t of [...tasks].reverse()) await run(t);
  tasks.length = 0;
}

let exiting: number | undefined;

/** The exit code when the run was interrupted (signal or watchdog): its results are partial and must not be reported. */
export const interruptedWith = (): number | undefined => exiting;

let overBudget = false;

/** True once BENCH_MAX_SECONDS has passed: start nothing new, report what was measured. */
export const budgetExhausted = (): boolean => overBudget;

/**
 * Ends the process after cleaning up on SIGINT/SIGTERM. At `maxSeconds` the run is asked to wrap up (budgetExhausted);
 * a minute later the watchdog ends it outright.
 */
export function installExitHandlers(maxSeconds: number): () => void {
  const bail = (why: string, code: number) => {
    if (exiting !== undefined) return;
    exiting = code;
    process.stderr.write(`\n${why}: cleaning up\n`);
    const hard = setTimeout(() => process.exit(code), 30_000);
    hard.unref();
    void cleanupAll().finally(() => process.exit(code));
  };
  const onInt = () => bail('interrupted', 130);
  const onTerm = () => bail('terminated', 143);
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const soft = setTimeout(() => {
    overBudget = true;
    process.stderr.write(`\nBENCH_MAX_SECONDS=${maxSeconds} reached: finishing with what was measured\n`);
  }, maxSeconds * 1000);
  const watchdog = setTimeout(
    () => bail(`the benchmark exceeded BENCH_MAX_SECONDS=${maxSeconds} by a minute`, 2),
    (maxSeconds + 60) * 1000,
  );
  return () => {
    clearTimeout(soft);
    clearTimeout(watchdog);
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}
