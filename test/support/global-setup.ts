import { existsSync } from 'node:fs';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

export const PG_ADMIN_URL = process.env.FLOTILLA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAvailable: boolean;
    browserAvailable: boolean;
  }
}

/**
 * Decides once per run whether the PostgreSQL suite runs. When CI=true or FLOTILLA_REQUIRE_PG=1, an unreachable
 * PostgreSQL fails the run instead of skipping the suite.
 */
export default async function setup(project: TestProject): Promise<void> {
  const required = process.env.CI === 'true' || process.env.FLOTILLA_REQUIRE_PG === '1';
  let available = false;
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    available = true;
  } catch (e) {
    if (required) throw new Error(`PostgreSQL is required (CI) but unreachable at ${PG_ADMIN_URL}: ${(e as Error).message}`);
    console.warn(`PostgreSQL unreachable (${(e as Error).message}): the PostgreSQL suites are skipped`);
  } finally {
    await client.end().catch(() => undefined);
  }
  project.provide('pgAvailable', available);

  // the Panel's end-to-end suites drive Debian's Chromium; CI installs it (.ci/run) and requires it
  const chromium = process.env.FLOTILLA_CHROMIUM ?? '/usr/bin/chromium';
  const browser = existsSync(chromium);
  if (!browser && required) throw new Error(`Chromium is required (CI) but missing at ${chromium}: apt-get install -y chromium`);
  if (!browser)
    console.warn(`Chromium not found at ${chromium}: the end-to-end suites are skipped (apt-get install -y chromium)`);
  project.provide('browserAvailable', browser);
}
