// What the stand-alone bench scripts (webhooks, read-budget, draft-public, import) share: where a report goes, and
// how a script ends (exit code, cleanup of servers and databases on any failure).
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { cleanupAll } from './cleanup.js';
import { repoRoot } from './dataset.js';

/** Writes `bench/results/<date>-<HHMM>Z-<name>.md` (or under BENCH_OUT) and prints the report and its path. */
export function writeReport(name: string, started: Date, report: string): string {
  const out = path.resolve(repoRoot, process.env.BENCH_OUT ?? 'bench/results');
  mkdirSync(out, { recursive: true });
  const iso = started.toISOString();
  const file = path.join(out, `${iso.slice(0, 10)}-${iso.slice(11, 16).replace(':', '')}Z-${name}.md`);
  writeFileSync(file, report);
  process.stdout.write(`${report}\nreport: ${path.relative(process.cwd(), file)}\n`);
  return file;
}

/** Runs a bench script's main: exits with its code, or prints the failure, cleans up and exits 1. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    async (e: Error) => {
      process.stderr.write(`${e.stack ?? e.message}\n`);
      await cleanupAll();
      process.exit(1);
    },
  );
}

/**
 * A request over a keep-alive agent to the bench's server on 127.0.0.1, with the key in X-AUTH-TOKEN and a JSON
 * payload (already serialised) if any: its status and whole answer.
 */
export function keyRequest(
  agent: http.Agent,
  port: number,
  method: string,
  url: string,
  key: string,
  payload?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: url,
        agent,
        headers: { 'x-auth-token': key, ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
