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
