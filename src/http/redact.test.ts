import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';

const KEY = `fla_rw_${'Ab3'.repeat(14)}`;
const encodeAll = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');

describe('redact', () => {
  it('removes a key in plain, encoded, double-encoded and mixed forms', () => {
    for (const url of [
      `/api/x?auth_token=${KEY}`,
      `/api/x?auth%5Ftoken=${encodeAll(KEY)}`,
      `/api/x?auth%5ftoken=${encodeAll(KEY).replace(/%/g, '%25')}`,
      `/api/x?a=1&auth_token=${KEY.slice(0, 9)}${encodeAll(KEY.slice(9))}`,
      `/api/content/${encodeAll(KEY)}`,
    ]) {
      const out = redact(url);
      expect(out, url).not.toContain(KEY.slice(7));
      expect(out, url).toContain('[REDACTED]');
    }
  });

  it('leaves text without keys alone, encoded or not', () => {
    expect(redact('/api/v1/content/post?limit=10&q=a%20b')).toBe('/api/v1/content/post?limit=10&q=a%20b');
    expect(redact('/api/v1/content/post?filters=%7B%7D')).toBe('/api/v1/content/post?filters=%7B%7D');
  });
});
