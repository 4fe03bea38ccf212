import { describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { ADMIN, useTestApp } from '../support/test-app.js';

const EVIL = 'https://evil.example';
const corsHeaders = (headers: Record<string, unknown>) => Object.keys(headers).filter((h) => h.startsWith('access-control-'));

/** A foreign page may use a key it holds, never the Panel's cookie; CORS must not widen that. */
describe.each(dialectsUnderTest())('hostile CORS on %s', (dialect) => {
  const t = useTestApp(dialect, { FLOTILLA_CORS_ORIGINS: 'https://site.example' });

  it('never allows credentials, on any path, method or origin', async () => {
    for (const origin of [EVIL, 'https://site.example', 'null']) {
      for (const url of ['/api/v1/internal/contenttype', '/api/auth-context', '/panel/api/session', '/image/1x1/x.png', '/']) {
        for (const method of ['OPTIONS', 'GET', 'POST'] as const) {
          const res = await t().call(method, url, {
            key: method === 'OPTIONS' ? undefined : t().ro,
            headers: {
              origin,
              'access-control-request-method': 'POST',
              'access-control-request-headers': 'cookie, x-csrf-token',
            },
          });
          expect(res.headers['access-control-allow-credentials'], `${method} ${url} ${origin}`).toBeUndefined();
          if (origin !== 'https://site.example')
            expect(res.headers['access-control-allow-origin'], `${method} ${url}`).toBeUndefined();
        }
      }
    }
  });

  it('the Panel answers a cross-origin sign-in and session read without any CORS header', async () => {
    const login = await t().call('POST', '/panel/api/session', {
      body: ADMIN,
      headers: { origin: 'https://site.example' },
    });
    expect(corsHeaders(login.headers)).toEqual([]);
    const pre = await t().call('OPTIONS', '/panel/api/keys', {
      headers: { origin: 'https://site.example', 'access-control-request-method': 'DELETE' },
    });
    expect(pre.statusCode).toBe(404);
    expect(corsHeaders(pre.headers)).toEqual([]);
    // tricks on the path do not move a Panel URL into the API's scope
    for (const url of ['/panel/../api/x', '/panel/api/../../api/v1/content/x', '//panel/api/session', '/PANEL/api/session']) {
      const res = await t().call('OPTIONS', url, {
        headers: { origin: 'https://site.example', 'access-control-request-method': 'GET' },
      });
      if (res.statusCode === 204) expect(url.startsWith('/panel'), url).toBe(true);
      if (/^\/panel/i.test(url) && !url.includes('..')) expect(corsHeaders(res.headers), url).toEqual([]);
    }
  });

  it('a preflight never allows the Cookie or CSRF headers, and never echoes what was asked', async () => {
    const res = await t().call('OPTIONS', '/api/v1/content/x', {
      headers: {
        origin: 'https://site.example',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'cookie, x-csrf-token, x-evil',
      },
    });
    const allowed = String(res.headers['access-control-allow-headers']).toLowerCase();
    for (const h of ['cookie', 'x-csrf-token', 'x-evil']) expect(allowed).not.toContain(h);
  });
});
