import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dialectsUnderTest } from '../support/databases.js';
import type { TestApp } from '../support/test-app.js';
import { runCli, startServer, stopServer } from './cli-harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

describe.each(dialectsUnderTest())('flotilla create-admin / reset-password (%s)', (dialect) => {
  let t: TestApp & { url: string };
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await startServer(dialect);
    env = { FLOTILLA_DATA_DIR: t.db.dataDir, ...(t.db.databaseUrl ? { DATABASE_URL: t.db.databaseUrl } : {}) };
  });
  afterAll(() => stopServer(t));

  const signIn = (email: string, password: string) =>
    t.call('POST', '/panel/api/session', { body: { email, password } }).then((r) => r.statusCode);

  it('creates an administrator with the password from stdin, on the running server’s database', async () => {
    const r = await runCli(['create-admin', '--email', 'ops@example.test'], { env, input: 'a long enough secret\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('a long enough secret');
    expect(await signIn('ops@example.test', 'a long enough secret')).toBe(200);
    const twice = await runCli(['create-admin', '--email', 'ops@example.test'], { env, input: 'another secret value\n' });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already used/);
    // audited, by the system, once
    const made = (await t.app.storage.panel.listAudit(100)).filter(
      (e) => e.action === 'user.created' && e.keyName === 'ops@example.test',
    );
    expect(made.map((e) => [e.actor, JSON.parse(e.detail)])).toEqual([['system', { via: 'cli', roleId: 'administrator' }]]);
  });

  it('resets a password: the new one signs in, the old one no longer does', async () => {
    const r = await runCli(['reset-password', '--email', 'ops@example.test'], { env, input: 'the new password 2\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(await signIn('ops@example.test', 'the new password 2')).toBe(200);
    expect(await signIn('ops@example.test', 'a long enough secret')).toBe(401);
    const reset = (await t.app.storage.panel.listAudit(100)).filter((e) => e.action === 'user.password-reset');
    expect(reset.map((e) => [e.actor, e.keyName, JSON.parse(e.detail)])).toEqual([
      ['system', 'ops@example.test', { via: 'cli' }],
    ]);
    const missing = await runCli(['reset-password', '--email', 'nobody@example.test'], { env, input: 'whatever123\n' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such user/);
  });

  it('refuses a password in argv, an empty stdin and a short password, creating nobody', async () => {
    for (const args of [
      ['create-admin', '--email', 'argv@example.test', '--password', 'in the argv 123'],
      ['create-admin', '--email', 'argv@example.test', '--password=in the argv 123'],
      ['reset-password', '--email', 'ops@example.test', '--password', 'in the argv 123'],
    ]) {
      const r = await runCli(args, { env, input: 'from stdin 12345\n' });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/never taken from the command line/);
    }
    const empty = await runCli(['create-admin', '--email', 'argv@example.test'], { env, input: '' });
    expect(empty.code).toBe(1);
    const short = await runCli(['create-admin', '--email', 'argv@example.test'], { env, input: 'short\n' });
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/8 to 1024/);
    expect(await signIn('argv@example.test', 'in the argv 123')).toBe(401);
    expect(await signIn('argv@example.test', 'from stdin 12345')).toBe(401);
    // the old password still works: a refused reset changed nothing
    expect(await signIn('ops@example.test', 'the new password 2')).toBe(200);
  });
});
