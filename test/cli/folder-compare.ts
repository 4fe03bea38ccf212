import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every file of a folder (relative paths), dot files left out. */
export function filesOf(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    if (name.startsWith('.')) continue;
    const r = path.join(rel, name);
    if (statSync(path.join(dir, r)).isDirectory()) out.push(...filesOf(dir, r));
    else out.push(r);
  }
  return out;
}

const TIMESTAMPS = new Set(['createdAt', 'updatedAt']);

/** A file's content for comparison: JSON parsed (object files line by line) with timestamps blanked, other bytes as base64. */
export function comparable(file: string): unknown {
  const text = readFileSync(file);
  if (path.basename(file) === 'ContentTypeDefinition.json') return blankTimes(JSON.parse(text.toString('utf8')));
  if (/^contentObject.*\.json$/.test(path.basename(file)))
    return text
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => blankTimes(JSON.parse(l)));
  return text.toString('base64');
}

export function blankTimes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(blankTimes);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        k,
        // a publication time is when the import published it; whether there is one still counts
        (TIMESTAMPS.has(k) && typeof x === 'string') || (k === 'publishedAt' && typeof x === 'string' && x !== '')
          ? '<time>'
          : blankTimes(x),
      ]),
    );
  return v;
}
