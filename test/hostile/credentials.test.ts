import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import { rawRequest } from '../support/raw-http.js';
import { ADMIN, capturedLogs, decodedForms, useTestApp, type TestApp } from '../support/test-app.js';

/** Every character percent-encoded: what a client (or an attacker probing our log redaction) may send. */
const encodeAll = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** Duplicated, encoded and mixed credentials: always one answer, never a key in a log line. */
describe.each(dialectsUnderTest())('credentials in every form on %s', (dialect) => {
  const t = useTestApp(dialect);
  let port = 0;

  beforeAll(async () => {
    await t().app.server.listen({ port: 0, host: '127.0.0.1' });
    port = (t().app.server.server.address() as AddressInfo).port;
  });

  const kindOf = async (path: string, headers: [string, string][] = []) => {
    const res = await rawRequest(port, 'GET', path, headers);
    return { status: res.status, body: res.body, kind: res.status === 200 ? JSON.parse(res.body).kind : undefined };
  };

  it('a percent-encoded auth_token works and never reaches the log in any form', async () => {
    const ro = t().ro;
    const forms = [
      `/api/auth-context?auth%5Ftoken=${encodeAll(ro)}`,
      `/api/auth-context?auth_token=${ro.replace(/_/g, '%5F')}`,
      `/api/auth-context?%61uth_token=${encodeAll(ro.slice(0, 10))}${ro.slice(10)}`,
      `/api/auth-context?x=1&auth%5ftoken=${ro}`,
    ];
    for (const path of forms) {
      const res = await kindOf(path);
      expect(res.status, `${path}: ${res.body}`).toBe(200);
      expect(res.kind).toBe('read-only');
    }
    const lines = capturedLogs.filter((l) => l.includes('/api/auth-context'));
    expect(lines.length).toBeGreaterThanOrEqual(forms.length);
    for (const line of lines) for (const form of decodedForms(line)) expect(form).not.toContain(ro.slice(8));
    expect(lines.some((l) => l.includes('auth_token=[REDACTED]'))).toBe(true);
  });

  const twoKeys: [string, (ro: string, rw: string) => { path: string; headers: [string, string][] }][] = [
    [
      'two X-AUTH-TOKEN headers',
      (ro, rw) => ({
        path: '/api/auth-context',
        headers: [
          ['X-AUTH-TOKEN', ro],
          ['x-auth-token', rw],
        ],
      }),
    ],
    [
      'two Authorization: Bearer headers',
      (ro, rw) => ({
        path: '/api/auth-context',
        headers: [
          ['Authorization', `Bearer ${ro}`],
          ['authorization', `Bearer ${rw}`],
        ],
      }),
    ],
    [
      'X-AUTH-TOKEN and Bearer',
      (ro, rw) => ({
        path: '/api/auth-context',
        headers: [
          ['x-auth-token', ro],
          ['Authorization', `bearer ${rw}`],
        ],
      }),
    ],
    ['a header and auth_token', (ro, rw) => ({ path: `/api/auth-context?auth_token=${rw}`, headers: [['X-Auth-Token', ro]] })],
    [
      'auth_token and its encoded twin',
      (ro, rw) => ({ path: `/api/auth-context?auth_token=${ro}&auth%5Ftoken=${encodeAll(rw)}`, headers: [] }),
    ],
    [
      'Bearer and an encoded auth_token',
      (ro, rw) => ({ path: `/api/auth-context?auth%5Ftoken=${encodeAll(rw)}`, headers: [['Authorization', `Bearer ${ro}`]] }),
    ],
  ];

  for (const [name, build] of twoKeys) {
    it(`two different keys (${name}) are a 400, never the first key's answer`, async () => {
      const { path, headers } = build(t().ro, t().rw);
      const res = await kindOf(path, headers);
      expect(res.status, res.body).toBe(400);
      expect(JSON.parse(res.body)).toEqual({ code: 400, message: 'More than one API key in the request' });
    });
  }

  it('the same key repeated counts once', async () => {
    const ro = t().ro;
    for (const headers of [
      [
        ['X-AUTH-TOKEN', ro],
        ['x-auth-token', ro],
      ],
      [
        ['Authorization', `Bearer ${ro}`],
        ['Authorization', `Bearer ${ro}`],
        ['x-auth-token', ro],
      ],
    ] as [string, string][][]) {
      const res = await kindOf(`/api/auth-context?auth_token=${ro}&auth%5Ftoken=${encodeAll(ro)}`, headers);
      expect(res.status, res.body).toBe(200);
      expect(res.kind).toBe('read-only');
    }
  });
});

/** Failures slow down failures; nobody is locked out by someone else's failures. */
describe.each(dialectsUnderTest())('no lockout of the owner on %s', (dialect) => {
  const t = useTestApp(dialect, { FLOTILLA_AUTH_FAILURES_PER_MINUTE: '5', FLOTILLA_LOGIN_FAILURES_PER_ACCOUNT: '3' });
  const proxied = useTestApp(dialect, { FLOTILLA_AUTH_FAILURES_PER_MINUTE: '5', FLOTILLA_TRUST_PROXY: '127.0.0.1' });
  const BAD = `fla_ro_${'x'.repeat(40)}`;

  const keyCall = (app: TestApp, key: string, remoteAddress: string, forwardedFor?: string) =>
    app.app.server.inject({
      method: 'GET',
      url: '/api/auth-context',
      remoteAddress,
      headers: { 'x-auth-token': key, ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    });

  it('after many failed keys from an address, a valid key from it still works; failures get 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await keyCall(t(), BAD, '198.51.100.1')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const good = await keyCall(t(), t().ro, '198.51.100.1');
    expect(good.statusCode, good.body).toBe(200);
    expect((await keyCall(t(), BAD, '198.51.100.1')).statusCode).toBe(429);
  });

  it('X-Forwarded-For from an untrusted peer does not let a client change its address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await keyCall(t(), BAD, '198.51.100.2', `203.0.113.${i}`)).statusCode);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('behind a trusted proxy, clients are told apart by X-Forwarded-For', async () => {
    for (let i = 0; i < 6; i++) await keyCall(proxied(), BAD, '127.0.0.1', '203.0.113.50');
    expect((await keyCall(proxied(), BAD, '127.0.0.1', '203.0.113.50')).statusCode).toBe(429);
    expect((await keyCall(proxied(), BAD, '127.0.0.1', '203.0.113.51')).statusCode).toBe(401);
    expect((await keyCall(proxied(), proxied().ro, '127.0.0.1', '203.0.113.50')).statusCode).toBe(200);
  });

  const login = (password: string, remoteAddress: string) =>
    t().app.server.inject({
      method: 'POST',
      url: '/panel/api/session',
      remoteAddress,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: ADMIN.email, password }),
    });

  it('wrong passwords from one address do not lock the administrator out from another', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login('wrong password!', '198.51.100.66')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect((await login(ADMIN.password, '198.51.100.66')).statusCode).toBe(429);
    const owner = await login(ADMIN.password, '192.0.2.10');
    expect(owner.statusCode, owner.body).toBe(200);
  });
});
