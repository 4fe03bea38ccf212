import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/**
 * The data directory holds the database and the master secret: only the server's own user may enter it (0700),
 * whatever the process umask, and an existing directory is tightened at start.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * Creates `file` (empty) with mode 0600 before a library opens it, and tightens the files that exist: SQLite gives
 * its `-wal` and `-shm` files the mode of the database file, so setting the database's mode covers them too.
 */
export function ensurePrivateFiles(...files: string[]): void {
  for (const file of files) {
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
  }
}
