import { describe, expect, it } from 'vitest';
import { draftOf, draftProblems, grantsFor, isDirty, nextRule, retarget, typeLabel } from './key-draft.js';
import type { ApiKey } from '../api/types.js';

const key: ApiKey = {
  id: 'k1',
  name: 'Site',
  kind: 'user-defined',
  key: 'fla_u_x',
  rules: [{ ctdName: 'page', canRead: true, canCreate: false, canUpdate: false, canDelete: false }],
  createdAt: '',
  updatedAt: '',
  lastUsedAt: null,
};

describe('key drafts', () => {
  it('are clean until a name or a rule changes; a never-saved key is always dirty', () => {
    const d = draftOf(key);
    expect(isDirty(d, key)).toBe(false);
    expect(isDirty({ ...d, name: ' Site ' }, key)).toBe(false);
    expect(isDirty({ ...d, rules: [{ ...d.rules[0], canCreate: true }] }, key)).toBe(true);
    expect(isDirty({ ...d, rules: [] }, key)).toBe(true);
    expect(isDirty(d, undefined)).toBe(true);
  });

  it('labels internal types and picks a free type for a new rule', () => {
    expect(typeLabel({ label: 'Media', internal: true })).toBe('Media (internal)');
    expect(typeLabel({ label: 'Blog', internal: false })).toBe('Blog');
    expect(nextRule([{ name: 'page' }, { name: '_media' }], key.rules)?.ctdName).toBe('_media');
    expect(nextRule([{ name: 'page' }], key.rules)).toBeUndefined();
  });

  it('reports a missing name and duplicate rules at their fields', () => {
    const rule = key.rules[0];
    expect(draftProblems({ name: ' ', rules: [rule, rule] })).toEqual({
      name: ['The name is required'],
      'rules[1].ctdName': ['There is already a rule for this content type'],
    });
  });

  it('offers Preview and Publish for Draft & Public types only, and drops them when a rule moves elsewhere', () => {
    expect(grantsFor({ draftPublic: false }).map((g) => g.label)).toEqual(['Read', 'Create', 'Update', 'Delete']);
    expect(grantsFor({ draftPublic: true }).map((g) => g.label)).toEqual([
      'Read',
      'Create',
      'Update',
      'Delete',
      'Preview',
      'Publish',
    ]);
    const rule = { ...key.rules[0], canPreview: true, canPublish: true };
    expect(retarget(rule, { name: 'post', draftPublic: true }, 'post')).toEqual({ ...rule, ctdName: 'post' });
    expect(retarget(rule, { name: '_media', draftPublic: false }, '_media')).toMatchObject({
      ctdName: '_media',
      canPreview: false,
      canPublish: false,
    });
  });

  it('count a changed Preview or Publish as unsaved, and an absent flag as false', () => {
    const d = draftOf(key);
    expect(isDirty({ ...d, rules: [{ ...d.rules[0], canPreview: false }] }, key)).toBe(false);
    expect(isDirty({ ...d, rules: [{ ...d.rules[0], canPublish: true }] }, key)).toBe(true);
  });
});
