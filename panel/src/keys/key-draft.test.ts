import { describe, expect, it } from 'vitest';
import {
  draftOf,
  draftProblems,
  expiryState,
  fromLocalInput,
  grantsFor,
  isDirty,
  limitsOf,
  nextRule,
  retarget,
  toLocalInput,
  typeLabel,
} from './key-draft.js';
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
    expect(isDirty({ ...d, requestLimit: '10' }, key)).toBe(true);
    expect(isDirty({ ...d, networks: '10.0.0.0/8' }, key)).toBe(true);
    expect(isDirty({ ...d, expiresAt: '2030-01-01T10:00' }, key)).toBe(true);
  });

  it('turns the limits form into what the server takes, and back', () => {
    const d = {
      ...draftOf(key),
      requestLimit: ' 60 ',
      networks: '10.0.0.0/8\n\n 2001:db8::/32 ',
      origins: 'https://a.example, https://b.example',
    };
    expect(limitsOf(d)).toEqual({
      expiresAt: null,
      requestLimit: 60,
      allowedNetworks: ['10.0.0.0/8', '2001:db8::/32'],
      allowedOrigins: ['https://a.example', 'https://b.example'],
    });
    const at = '2030-06-01T08:30:00.000Z';
    expect(fromLocalInput(toLocalInput(at))).toBe(at);
    expect(draftProblems({ ...d, requestLimit: '1.5' })).toHaveProperty('requestLimit');
    expect(draftProblems({ ...d, requestLimit: '0' })).toHaveProperty('requestLimit');
  });

  it('marks keys that expired or expire within 7 days', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(expiryState({ expiresAt: null }, now)).toBeUndefined();
    expect(expiryState({ expiresAt: '2029-12-31T23:59:59Z' }, now)).toBe('expired');
    expect(expiryState({ expiresAt: '2030-01-07T23:59:59Z' }, now)).toBe('soon');
    expect(expiryState({ expiresAt: '2030-01-09T00:00:00Z' }, now)).toBeUndefined();
  });

  it('labels internal types and picks a free type for a new rule', () => {
    expect(typeLabel({ label: 'Media', internal: true })).toBe('Media (internal)');
    expect(typeLabel({ label: 'Blog', internal: false })).toBe('Blog');
    expect(nextRule([{ name: 'page' }, { name: '_media' }], key.rules)?.ctdName).toBe('_media');
    expect(nextRule([{ name: 'page' }], key.rules)).toBeUndefined();
  });

  it('reports a missing name and duplicate rules at their fields', () => {
    const rule = key.rules[0];
    expect(draftProblems({ ...draftOf(key), name: ' ', rules: [rule, rule] })).toEqual({
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
