import { expect, it } from 'vitest';
import { SharedReads } from './shared-reads.js';

/** A store whose reads the test finishes by hand, recording what each read saw. */
function slowStore() {
  const value = new Map<string, number>();
  const reads: { keys: string[]; finish: () => void }[] = [];
  const shared = new SharedReads<string, number>(
    (keys) =>
      new Promise((resolve) => {
        // the read looks now, as a query would when it is sent
        const seen = new Map(keys.flatMap((k) => (value.has(k) ? [[k, value.get(k)!] as const] : [])));
        reads.push({ keys, finish: () => resolve(seen) });
      }),
  );
  return { value, reads, shared };
}

it('callers while a read is under way share the next one, and never get the answer of a read sent before they asked', async () => {
  const { value, reads, shared } = slowStore();
  value.set('a', 1);
  const first = shared.read('a');
  expect(reads).toHaveLength(1); // sent at once
  value.set('a', 2); // a write commits after the first read looked
  const second = shared.read('a');
  const third = shared.read('b');
  const fourth = shared.read('a');
  expect(reads).toHaveLength(1); // waiting for the first to return
  reads[0].finish();
  expect(await first).toBe(1);
  expect(reads).toHaveLength(2);
  expect(reads[1].keys).toEqual(['a', 'b']); // one read for everyone who asked meanwhile
  reads[1].finish();
  expect(await Promise.all([second, third, fourth])).toEqual([2, undefined, 2]);
});

it('a failed read fails its callers only; the next callers get a read of their own', async () => {
  let fail = true;
  const shared = new SharedReads<string, number>(async (keys) => {
    if (fail) throw new Error('database down');
    return new Map(keys.map((k) => [k, 7]));
  });
  await expect(shared.read('x')).rejects.toThrow('database down');
  fail = false;
  expect(await shared.read('x')).toBe(7);
});

it('a flood of distinct keys is read 500 keys a query at most, one query at a time, each caller getting its own answer', async () => {
  const queries: string[][] = [];
  let underWay = 0;
  let overlapped = false;
  const shared = new SharedReads<string, string>(async (keys) => {
    queries.push(keys);
    overlapped ||= underWay > 0;
    underWay++;
    await new Promise((r) => setTimeout(r, 1));
    underWay--;
    // every other key is unknown (an invalid API key)
    return new Map(keys.filter((k) => Number(k.slice(1)) % 2 === 0).map((k) => [k, `value of ${k}`]));
  });
  const keys = Array.from({ length: 1200 }, (_, i) => `k${i}`);
  // each key asked twice: a repeated key is one id of a query, not two
  const answers = await Promise.all([...keys, ...keys].map((k) => shared.read(k)));
  expect(answers).toEqual([...keys, ...keys].map((k) => (Number(k.slice(1)) % 2 === 0 ? `value of ${k}` : undefined)));
  expect(queries.length).toBeGreaterThanOrEqual(3);
  for (const q of queries) expect(new Set(q).size).toBe(q.length);
  expect(Math.max(...queries.map((q) => q.length))).toBeLessThanOrEqual(500);
  expect(new Set(queries.flat())).toEqual(new Set(keys));
  expect(overlapped).toBe(false);
});

it('keys left over by a full query wait for the next one, and keys asked meanwhile never join the query under way', async () => {
  const { reads, shared } = slowStore();
  const before = shared.read('before'); // under way while the flood arrives
  const flood = Array.from({ length: 700 }, (_, i) => shared.read(`a${i}`));
  reads[0].finish();
  await before;
  expect(reads).toHaveLength(2);
  expect(reads[1].keys).toEqual(Array.from({ length: 500 }, (_, i) => `a${i}`)); // the first asked
  const late = shared.read('late');
  const again = shared.read('a600'); // left over: joins the key waiting, not the query under way
  expect(reads).toHaveLength(2);
  reads[1].finish();
  await Promise.all(flood.slice(0, 500));
  expect(reads).toHaveLength(3);
  expect(reads[2].keys).toEqual([...Array.from({ length: 200 }, (_, i) => `a${500 + i}`), 'late']);
  reads[2].finish();
  expect(await Promise.all([...flood.slice(500), late, again])).toEqual(new Array(202).fill(undefined));
});
