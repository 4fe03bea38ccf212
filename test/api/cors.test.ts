import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

const SITE = 'http://site.example:3001';

const preflight = (method: string, headers = 'x-auth-token, content-type, x-mode, x-visibility') => ({
  origin: SITE,
  'access-control-request-method': method,
  'access-control-request-headers': headers,
});

describe.each(dialectsUnderTest())('CORS with any origin (the default) on %s', (dialect) => {
  const t = useTestApp(dialect);

  it('answers an API preflight without a key, allowing the methods and headers Flotiq clients send', async () => {
    const res = await t().call('OPTIONS', '/api/v1/content/anything/some-id', { headers: preflight('PATCH') });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(String(res.headers['access-control-allow-methods'])).toContain('PATCH');
    expect(String(res.headers['access-control-allow-methods'])).toContain('DELETE');
    const allowed = String(res.headers['access-control-allow-headers']).toLowerCase();
    for (const h of ['x-auth-token', 'authorization', 'content-type', 'x-mode', 'x-visibility']) expect(allowed).toContain(h);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('puts the origin header on answers, refusals included', async () => {
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: ctd('corsy', { title: text() }) });
    const ok = await t().call('GET', '/api/v1/content/corsy', { key: t().ro, headers: { origin: SITE } });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('*');
    const refused = await t().call('GET', '/api/v1/content/corsy', { headers: { origin: SITE } });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe('*');
  });

  it('public files allow cross-origin reads only', async () => {
    const res = await t().call('OPTIONS', '/image/0x0/nothing.png', { headers: preflight('GET', 'range') });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(String(res.headers['access-control-allow-methods'])).not.toContain('DELETE');
  });

  it('the Panel gets no CORS header at all, preflight or not', async () => {
    const pre = await t().call('OPTIONS', '/panel/api/session', { headers: preflight('POST') });
    expect(pre.statusCode).toBe(404);
    const get = await t().call('GET', '/panel/api/session', { headers: { origin: SITE } });
    for (const res of [pre, get]) {
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });
});

describe.each(dialectsUnderTest())('CORS with a list of origins on %s', (dialect) => {
  const t = useTestApp(dialect, { FLOTILLA_CORS_ORIGINS: `${SITE},https://other.example` });

  it('reflects an allowed origin (with Vary: Origin) and leaves others without the header', async () => {
    const ok = await t().call('OPTIONS', '/api/v1/content/x', { headers: preflight('GET') });
    expect(ok.headers['access-control-allow-origin']).toBe(SITE);
    expect(String(ok.headers.vary).toLowerCase()).toContain('origin');
    const other = await t().call('GET', '/api/v1/internal/contenttype', {
      key: t().ro,
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('FLOTILLA_CORS_ORIGINS', () => {
  it('accepts * or exact origins, and refuses paths, wildcards and other schemes', () => {
    expect(loadConfig({}).corsOrigins).toBe('*');
    expect(loadConfig({ FLOTILLA_CORS_ORIGINS: 'https://a.example, http://localhost:3001' }).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:3001',
    ]);
    for (const bad of ['https://a.example/', 'https://*.example', 'ftp://a.example', 'a.example', '*,https://a.example']) {
      expect(() => loadConfig({ FLOTILLA_CORS_ORIGINS: bad }), bad).toThrow(/FLOTILLA_CORS_ORIGINS/);
    }
  });
});
