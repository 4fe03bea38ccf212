import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PANEL = path.join(ROOT, 'panel');
const BUILT = path.join(PANEL, 'dist', 'index.html');
const LOCK = path.join(PANEL, '.build-lock');

function newestMtime(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((n) => newestMtime(path.join(p, n))));
}

/** Whether panel/dist is missing or older than the Panel's sources (or the server-side types it imports). */
export function panelIsStale(): boolean {
  let built: number;
  try {
    built = statSync(BUILT).mtimeMs;
  } catch {
    return true;
  }
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((n) => path.join(PANEL, n));
  sources.push(path.join(ROOT, 'src/content-types/content-type.ts'), path.join(ROOT, 'src/core/principal.ts'));
  return sources.some((s) => newestMtime(s) > built);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds the Panel once when it is stale. A lock directory keeps two test runs in the same tree from building at
 * the same time (the build empties panel/dist first).
 */
export async function ensurePanelBuilt(): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (panelIsStale()) {
    try {
      mkdirSync(LOCK);
    } catch {
      // someone else is building; a lock older than 3 minutes is left over from a killed run
      if (Date.now() - statSync(LOCK, { throwIfNoEntry: false })!.mtimeMs > 180_000)
        rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('Timed out waiting for another Panel build');
      await sleep(500);
      continue;
    }
    try {
      const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
      await promisify(execFile)(
        process.execPath,
        [vite, 'build', '--config', path.join(PANEL, 'vite.config.ts'), '--logLevel', 'warn'],
        { cwd: ROOT },
      );
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

/** vitest globalSetup: the e2e suites need a current build of the Panel. */
export default async function setup(): Promise<void> {
  await ensurePanelBuilt();
}
