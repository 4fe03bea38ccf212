import { execFile, fork, type ChildProcess } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startServerPair, type Profiled, type ServerInfo, type ServerStartOptions } from './app-server.js';
import type { CannedResponse } from './bare.js';
import type { ChildCommand, ChildReply } from './protocol.js';

export type HostMode = 'child' | 'in-process';

/** Where Flotilla and its bare twin run: a forked child (default) or the benchmark's own process. */
export interface ServerHost {
  mode: HostMode;
  info: ServerInfo;
  /** The process the server runs in (its main thread has the same id on Linux). */
  pid: number;
  setBare(response: CannedResponse): Promise<void>;
  rssBytes(): Promise<number>;
  /** The server process's memory as Node sees it (RSS, V8 heap, buffers). */
  memory(): Promise<NodeJS.MemoryUsage>;
  recentLogs(): Promise<string[]>;
  /** Samples the server process's CPU until profileStop (in-process, the profile includes autocannon). */
  profileStart(): Promise<void>;
  profileStop(): Promise<Profiled>;
  stop(): Promise<void>;
}

export function startHost(opts: ServerStartOptions, mode: HostMode): Promise<ServerHost> {
  return mode === 'in-process' ? startInProcess(opts) : startChild(opts);
}

async function startInProcess(opts: ServerStartOptions): Promise<ServerHost> {
  const pair = await startServerPair(opts);
  return {
    mode: 'in-process',
    info: pair.info,
    pid: process.pid,
    setBare: async (r) => pair.setBare(r),
    rssBytes: async () => pair.rssBytes(),
    memory: async () => process.memoryUsage(),
    recentLogs: async () => pair.recentLogs(),
    profileStart: () => pair.profileStart(),
    profileStop: () => pair.profileStop(),
    stop: () => pair.close(),
  };
}

type Pending = { resolve: (r: ChildReply & { ok: true }) => void; reject: (e: Error) => void };

/** Omit<> does not distribute over a union; this does, so each command keeps its own fields. */
type CommandBody = ChildCommand extends infer C ? (C extends ChildCommand ? Omit<C, 'id'> : never) : never;

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
let built: Promise<string> | undefined;

/**
 * The server child compiled by tsc (`bench/tsconfig.child.json`, into bench/.work/build), as `npm start` runs the
 * server (`node dist/main.js`): under tsx every module keeps its source map in memory and every function expression
 * made on a hot path is renamed at run time (esbuild's keepNames), which production does not pay. Built once per
 * bench process; incremental, so a rebuild after no change takes seconds.
 */
function compiledChild(): Promise<string> {
  built ??= (async () => {
    const tsc = path.join(BENCH_DIR, '..', 'node_modules', 'typescript', 'bin', 'tsc');
    await promisify(execFile)(process.execPath, [tsc, '-p', path.join(BENCH_DIR, 'tsconfig.child.json')]);
    const out = path.join(BENCH_DIR, '.work', 'build');
    // the Panel's files are found relative to the compiled sources, as dist/ finds them
    if (!existsSync(path.join(out, 'panel'))) symlinkSync(path.join(BENCH_DIR, '..', 'panel'), path.join(out, 'panel'));
    return path.join(out, 'bench', 'server-child.js');
  })();
  return built;
}

async function startChild(opts: ServerStartOptions): Promise<ServerHost> {
  // BENCH_SOURCE=ts runs the TypeScript sources under tsx (the parent's execArgv carries its loader) instead
  const fromSources = process.env.BENCH_SOURCE === 'ts';
  const entry = fromSources ? path.join(BENCH_DIR, 'server-child.ts') : await compiledChild();
  const child: ChildProcess = fork(entry, [], {
    execArgv: fromSources ? process.execArgv : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let exited: string | undefined;

  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `server child exited (code ${code}, signal ${signal})`;
      for (const p of pending.values()) p.reject(new Error(exited));
      pending.clear();
      resolve();
    });
  });
  child.on('message', (m: ChildReply) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m);
    else p.reject(new Error(`server child: ${m.error}`));
  });
  child.on('error', () => undefined);

  const call = (cmd: CommandBody, timeoutMs = 120_000): Promise<ChildReply & { ok: true }> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error(exited));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`server child did not answer ${cmd.cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      child.send({ ...cmd, id } as ChildCommand);
    });

  /** Stops the child: politely, then (only this child, by its handle) with SIGKILL if it does not exit. */
  const stop = async (): Promise<void> => {
    if (exited) return;
    await call({ cmd: 'stop' }, 15_000).catch(() => undefined);
    const killer = setTimeout(() => {
      if (!exited) child.kill('SIGKILL');
    }, 10_000);
    await exitPromise;
    clearTimeout(killer);
  };

  try {
    const started = await call({ cmd: 'start', opts });
    if (!started.info) throw new Error('server child sent no info');
    return {
      mode: 'child',
      info: started.info,
      pid: child.pid!,
      setBare: async (r) => {
        await call({ cmd: 'bare', status: r.status, contentType: r.contentType, bodyBase64: r.body.toString('base64') });
      },
      rssBytes: async () => (await call({ cmd: 'rss' })).rss ?? 0,
      memory: async () => {
        const m = (await call({ cmd: 'rss' })).memory;
        if (!m) throw new Error('server child sent no memory figures');
        return m;
      },
      recentLogs: async () => (await call({ cmd: 'logs' })).logs ?? [],
      profileStart: async () => {
        await call({ cmd: 'profile-start' });
      },
      profileStop: async () => {
        const p = (await call({ cmd: 'profile-stop' })).profiled;
        if (!p) throw new Error('server child sent no profile');
        return p;
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** How the server child runs, for the reports. */
export function serverBuild(): string {
  return process.env.BENCH_SOURCE === 'ts'
    ? 'the TypeScript sources under tsx (BENCH_SOURCE=ts)'
    : 'compiled by tsc and run by plain node, as `npm start` runs it';
}
