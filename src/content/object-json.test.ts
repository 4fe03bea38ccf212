import { describe, expect, it } from 'vitest';
import { internalBlock, internalJson, objectJson } from './object-json.js';

const row = {
  seq: 1,
  type: 'blog_post',
  id: 'p"1',
  data: '{"title":"Hi \\"there\\"","n":1}',
  title: 'Hi "there" \\ ü',
  version: 3,
  createdMs: 1_700_000_000_123,
  updatedMs: 1_700_000_100_000,
  deletedMs: null,
  updatedBy: null,
  visibility: 'both' as const,
  status: null,
  publicVersion: null,
  publishedMs: null,
};

describe('object JSON', () => {
  it('writes the internal block exactly as JSON.stringify(internalBlock()) would', () => {
    expect(internalJson(row)).toBe(JSON.stringify(internalBlock(row)));
    const deleted = { ...row, deletedMs: 1_700_000_200_000 };
    expect(internalJson(deleted)).toBe(JSON.stringify(internalBlock(deleted)));
  });

  it('splices the stored document after id and internal, and survives an empty document', () => {
    expect(JSON.parse(objectJson(row))).toEqual({ id: 'p"1', internal: internalBlock(row), title: 'Hi "there"', n: 1 });
    expect(JSON.parse(objectJson({ ...row, data: '{}' }))).toEqual({ id: 'p"1', internal: internalBlock(row) });
    expect(internalBlock(row).createdAt).toBe('2023-11-14T22:13:20+00:00');
  });
});
