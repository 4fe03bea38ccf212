import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir } from '../core/private-files.js';

/**
 * The master secret: FLOTILLA_SECRET when set, otherwise generated once into `<dataDir>/secret` with mode 0600.
 * Several PostgreSQL nodes must share FLOTILLA_SECRET (a generated file is per machine).
 */
export function loadMasterSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'secret');
  ensurePrivateDir(dataDir);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}
