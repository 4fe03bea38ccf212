import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readExportFolder } from './export-format.js';

/** A fresh export folder holding the definition of a type `note`. */
function noteFolder(): { dir: string; folder: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flotilla-export-read-'));
  const folder = path.join(dir, 'ContentTypeNote');
  mkdirSync(folder);
  writeFileSync(
    path.join(folder, 'ContentTypeDefinition.json'),
    JSON.stringify({ name: 'note', label: 'Note', schemaDefinition: {}, metaDefinition: {} }),
  );
  return { dir, folder };
}

describe('reading an export folder', () => {
  it('reads object files of any size line by line: lines across read chunks and multi-byte characters intact', () => {
    const { dir, folder } = noteFolder();
    // ~12 MiB: three read chunks; every line long and full of 2-, 3- and 4-byte characters, so chunk ends fall
    // inside lines and inside characters
    const text = 'żółć — 東京 — 🚀 '.repeat(300);
    const n = 2500;
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `n-${String(i).padStart(5, '0')}`, text }));
    writeFileSync(path.join(folder, 'contentObjectNote.json'), lines.join('\n') + '\n\n');
    const read = readExportFolder(dir);
    expect(read.errors).toEqual([]);
    const objects = read.types[0].objects;
    expect(objects).toHaveLength(n);
    expect(objects.every((o) => o.text === text)).toBe(true);
    expect(objects[n - 1].id).toBe('n-02499');
  });

  it('names the line of a broken object, counting from 1', () => {
    const { dir, folder } = noteFolder();
    writeFileSync(path.join(folder, 'contentObjectNote.json'), '{"id":"a"}\n{"id":\n{"id":"c"}');
    const read = readExportFolder(dir);
    expect(read.errors).toHaveLength(1);
    expect(read.errors[0]).toMatch(/^ContentTypeNote\/contentObjectNote\.json:2: /);
    expect(read.types[0].objects.map((o) => o.id)).toEqual(['a', 'c']);
  });
});
