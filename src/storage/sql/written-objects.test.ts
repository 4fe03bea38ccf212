import { describe, expect, it } from 'vitest';
import type { StoredObject } from '../port.js';
import { WrittenObjects } from './written-objects.js';

const row = (type: string, id: string, version: number, data = '{}'): StoredObject => ({
  seq: 1,
  type,
  id,
  data,
  title: '',
  version,
  createdMs: 0,
  updatedMs: 0,
  deletedMs: null,
  updatedBy: null,
  visibility: 'both',
  status: null,
  publicVersion: null,
  publishedMs: null,
});

describe('the memory of written objects', () => {
  it('keeps nothing until asked, then only the wanted types: the newest version of each object, by its id as stored', () => {
    const w = new WrittenObjects();
    w.keep([row('post', 'a', 1)]);
    expect(w.take('post', 'a', 1)).toBeUndefined();
    w.want(new Set(['post']));
    w.keep([row('post', 'A', 1), row('post', 'A', 2, '{"v":2}'), row('page', 'b', 1)]);
    expect(w.size).toBe(1);
    // an older version is not what is held (the caller reads it); nor another case of the id, another type or version
    expect(w.take('post', 'A', 1)).toBeUndefined();
    expect(w.take('post', 'a', 2)).toBeUndefined();
    expect(w.take('page', 'b', 1)).toBeUndefined();
    expect(w.take('post', 'A', 3)).toBeUndefined();
    // taken once, then forgotten
    expect(w.take('post', 'A', 2)?.data).toBe('{"v":2}');
    expect(w.take('post', 'A', 2)).toBeUndefined();
    expect(w.size).toBe(0);
    // narrowing drops what is held of the others; '*' keeps every type; null nothing
    w.keep([row('post', 'p', 1)]);
    expect(w.size).toBe(1);
    w.want(new Set(['page']));
    expect(w.size).toBe(0);
    w.want('*');
    w.keep([row('page', 'b', 1), row('other', 'c', 1)]);
    expect(w.size).toBe(2);
    w.want(null);
    expect(w.size).toBe(0);
    expect(w.wants('page')).toBe(false);
  });

  it('holds at most its count and bytes, dropping the oldest first; a document over the bound is never held', () => {
    const w = new WrittenObjects(3, 100);
    w.want('*');
    w.keep(['a', 'b', 'c', 'd'].map((id) => row('post', id, 1)));
    expect(['a', 'b', 'c', 'd'].map((id) => w.take('post', id, 1) !== undefined)).toEqual([false, true, true, true]);
    w.keep([row('post', 'big', 1, 'x'.repeat(60)), row('post', 'other', 1, 'x'.repeat(60))]);
    // 120 bytes do not fit in 100: only the newer stays
    expect(w.take('post', 'big', 1)).toBeUndefined();
    w.keep([row('post', 'huge', 1, 'x'.repeat(101))]);
    expect(w.take('post', 'huge', 1)).toBeUndefined();
    expect(w.take('post', 'other', 1)).toBeDefined();
    expect(w.size).toBe(0);
  });
});
