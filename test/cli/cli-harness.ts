import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestApp, type TestApp } from '../support/test-app.js';
import type { DialectName } from '../support/databases.js';

export const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'flotilla.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/flotilla.js …` as a real process (not a TTY), with `input` on its stdin. */
export function runCli(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  return finished(startCli(args, opts));
}

export function startCli(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin!.end(opts.input ?? '');
  return child;
}

export function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.on('data', (d) => (stderr += String(d)));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh Flotilla on a fresh database, listening on 127.0.0.1 at a free port. */
export async function startServer(dialect: DialectName, env: Record<string, string> = {}): Promise<TestApp & { url: string }> {
  const t = await startTestApp(dialect, env);
  const url = await t.app.server.listen({ port: 0, host: '127.0.0.1' });
  return Object.assign(t, { url });
}

export async function stopServer(t: TestApp): Promise<void> {
  await t.app.close();
  await t.db.drop();
}
