import { describe, expect, it } from 'vitest';
import { can, may } from './can.js';

const ALL = { canRead: true, canCreate: true, canUpdate: true, canDelete: true, canPreview: true, canPublish: true };
const author = {
  role: {
    id: 'author',
    name: 'Author',
    capabilities: [],
    everyType: { internal: false, grants: { ...ALL, canDelete: false, canPublish: false } },
    rules: [],
  },
};
const custom = {
  role: {
    id: 'c',
    name: 'Custom',
    capabilities: ['webhooks'],
    everyType: null,
    rules: [{ ctdName: 'news', canRead: true, canCreate: false, canUpdate: false, canDelete: false, canPublish: true }],
  },
};

describe("the Panel's reading of the session's role (what it hides; the server decides)", () => {
  it('an author: content and media without delete or publish; no webhooks, no internal types', () => {
    expect(may(author, 'canCreate', 'post')).toBe(true);
    expect(may(author, 'canPublish', 'post')).toBe(false);
    expect(may(author, 'canDelete', 'post')).toBe(false);
    expect(may(author, 'canRead', '_media')).toBe(true);
    expect(may(author, 'canRead', '_webhooks')).toBe(false);
    expect(may(author, 'canRead', '_other')).toBe(false);
    expect(can(author, 'content-types')).toBe(false);
  });

  it('a custom role: its rules only, webhooks through the capability', () => {
    expect(may(custom, 'canPublish', 'news')).toBe(true);
    expect(may(custom, 'canCreate', 'news')).toBe(false);
    expect(may(custom, 'canRead', 'post')).toBe(false);
    expect(may(custom, 'canUpdate', '_webhooks')).toBe(true);
    expect(can(custom, 'webhooks')).toBe(true);
  });

  it('no role (an older server): everything, as its only users were administrators', () => {
    expect(may({}, 'canDelete', 'post')).toBe(true);
    expect(can({}, 'users')).toBe(true);
  });
});
