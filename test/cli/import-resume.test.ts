import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import type { TestApp } from '../support/test-app.js';
import { finished, runCli, startCli, startServer, stopServer } from './cli-harness.js';

// enough batches (40 per pass, 4 in flight) that a kill a third of the way into the objects lands mid-import even
// on a fast machine
const N = 4000;

/** A folder with N notes, each related to the one before it (so every pass has work). */
function writeFolder(dir: string): void {
  const folder = path.join(dir, 'ContentTypeNote');
  mkdirSync(folder, { recursive: true });
  const ref = { $ref: '#/components/schemas/DataSource' };
  writeFileSync(
    path.join(folder, 'ContentTypeDefinition.json'),
    JSON.stringify({
      name: 'note',
      label: 'Note',
      schemaDefinition: {
        type: 'object',
        allOf: [
          { $ref: '#/components/schemas/AbstractContentTypeSchemaDefinition' },
          { type: 'object', properties: { title: { type: 'string', minLength: 1 }, previous: { type: 'array', items: ref } } },
        ],
        required: ['title'],
        additionalProperties: false,
      },
      metaDefinition: {
        order: ['title', 'previous'],
        propertiesConfig: {
          title: { label: 'Title', inputType: 'text', unique: false },
          previous: { label: 'Previous', inputType: 'datasource', unique: false, validation: { relationContenttype: 'note' } },
        },
      },
    }),
  );
  const id = (i: number) => `note-${String(i).padStart(5, '0')}`;
  const lines = Array.from({ length: N }, (_, i) =>
    JSON.stringify({
      id: id(i),
      title: `Note ${i}`,
      previous: i === 0 ? [] : [{ type: 'internal', dataUrl: `/api/v1/content/note/${id(i - 1)}` }],
    }),
  );
  writeFileSync(path.join(folder, 'contentObjectNote.json'), lines.join('\n') + '\n');
}

describe.each(dialectsUnderTest())('flotilla import resumes after a kill (%s)', (dialect) => {
  let t: TestApp & { url: string };
  const dir = mkdtempSync(path.join(tmpdir(), 'flotilla-resume-'));
  beforeAll(async () => {
    t = await startServer(dialect);
    writeFolder(dir);
  });
  afterAll(async () => {
    await stopServer(t);
    rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 halfway, run again: every object exactly once, with its relation', async () => {
    const count = async () => (await t.call('GET', '/api/v1/content/note?limit=1', { key: t.rw })).json().total_count as number;
    const child = startCli(['import', dir, '--url', t.url, '--key', t.rw]);
    const done = finished(child);
    let seen = 0;
    for (let i = 0; i < 2000; i++) {
      const status = await t.call('GET', '/api/v1/internal/contenttype/note', { key: t.rw });
      seen = status.statusCode === 200 ? await count() : 0;
      if (seen >= N / 3) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.code).not.toBe(0); // killed mid-way, not finished
    expect(seen).toBeGreaterThan(0);
    expect(await count()).toBeLessThan(N);

    const again = await runCli(['import', dir, '--url', t.url, '--key', t.rw]);
    expect(again.code, again.stderr).toBe(0);
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const { data } = (await t.call('GET', `/api/v1/content/note?limit=1000&page=${page}`, { key: t.rw })).json();
      if (data.length === 0) break;
      for (const o of data as { id: string; previous: { dataUrl: string }[] }[]) {
        ids.push(o.id);
        const i = Number(o.id.slice(5));
        expect(o.previous.map((p) => p.dataUrl)).toEqual(
          i === 0 ? [] : [`/api/v1/content/note/note-${String(i - 1).padStart(5, '0')}`],
        );
      }
    }
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
  }, 400_000);
});
