// Seeding through the `flotilla import` command (issue 13's N = 1 000 000 mode): the data set is written as a
// flotiq-cli export folder, then imported over HTTP into the bench's server, exactly as a team moving in would.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { CTD_FILE, objectsFile, typeFolder } from '../src/cli/export-format.js';
import { categoryId, repoRoot, type Dataset } from './dataset.js';
import { articleBody, articleCtd, categoryCtd, type SeedResult } from './seed.js';

export interface CliSeedOptions {
  baseUrl: string;
  readWriteKey: string;
  n: number;
  log: (line: string) => void;
}

/** Writes one type's folder: its definition and its objects as JSON lines, sorted by id as flotiq-cli writes them. */
async function writeType(dir: string, def: { name: string }, ids: string[], body: (id: string) => unknown) {
  const folder = path.join(dir, typeFolder({ name: def.name, internal: false }));
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, CTD_FILE), JSON.stringify(def, null, 2));
  const out = createWriteStream(path.join(folder, objectsFile(def.name)));
  for (const id of ids.sort()) {
    if (!out.write(`${JSON.stringify(body(id))}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Writes the export folder, runs `flotilla import` against the server (timed), and removes the folder. */
export async function seedThroughCli(ds: Dataset, opts: CliSeedOptions): Promise<SeedResult & { writeSeconds: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-bench-export-'));
  try {
    const w0 = performance.now();
    const cats = new Map(ds.categories().map((c, i) => [categoryId(i), { id: categoryId(i), name: c.name }]));
    await writeType(dir, categoryCtd(), [...cats.keys()], (id) => cats.get(id));
    const index = new Map<string, number>();
    for (let i = 0; i < opts.n; i++) index.set(articleBody(ds, i).id, i);
    await writeType(dir, articleCtd(), [...index.keys()], (id) => articleBody(ds, index.get(id)!));
    const writeSeconds = (performance.now() - w0) / 1000;
    opts.log(`wrote the export folder (${opts.n} articles) in ${writeSeconds.toFixed(1)} s; importing with the CLI…`);

    const started = performance.now();
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/flotilla.js'), 'import', dir, '--url', opts.baseUrl], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // the key by environment, not argv (process lists show arguments)
      env: { ...process.env, FLOTIQ_API_KEY: opts.readWriteKey, NODE_OPTIONS: '--max-old-space-size=8192' },
    });
    let tail = '';
    const keep = (c: Buffer) => {
      tail = (tail + c.toString()).slice(-4000);
      for (const line of c.toString().split('\n')) if (line.trim()) opts.log(`  cli: ${line.trim()}`);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`flotilla import exited ${code}: ${tail}`);
    const seconds = (performance.now() - started) / 1000;
    const rows = opts.n + cats.size;
    return { rows, seconds, rowsPerSecond: rows / seconds, requests: 0, writeSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
