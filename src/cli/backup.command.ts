import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig, type Config } from '../config/config.js';
import { CliError } from './cli-error.js';
import { parseCommandArgs, type Command } from './command.js';
import { startProgress } from './progress.js';

const DB_FILE = 'flotilla.sqlite';

const BACKUP_HELP = `Usage: flotilla backup <file> [--force]

Backs up a SQLite Flotilla, stopped or running, into two things next to each other:
  <file>            a consistent copy of the database (SQLite's online backup, taken in one read transaction,
                    so writers keep going and the copy is one moment of the database)
  <file>.files/     secret (the generated master secret, when FLOTILLA_SECRET is not set: API keys need it)
                    and media/originals/ (every uploaded file; generated sizes are left out, they are re-made)
Media files are copied before and after the database, so every file an object of the copy refers to is there.

Reads FLOTILLA_DATA_DIR (default ./data) and FLOTILLA_MEDIA_DIR like the server. PostgreSQL: see README
("Command line"): pg_dump plus the media directory. With FLOTILLA_MEDIA_STORE=s3 the media files are left out:
they are in the bucket, which is backed up with its own tools.

Options:
  --force      replace an existing backup
  -h, --help   this help`;

const RESTORE_HELP = `Usage: flotilla restore <file> [--force]

Restores a backup made by \`flotilla backup <file>\` into FLOTILLA_DATA_DIR (and FLOTILLA_MEDIA_DIR; with
FLOTILLA_MEDIA_STORE=s3 media files are not restored: they belong in the bucket). Stop the server first. Refuses to
replace an existing database unless --force is given.

Options:
  --force      replace the database, the secret and the media files that are there
  -h, --help   this help`;

function sqliteConfig(command: string): Config {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  if (config.databaseUrl)
    throw new CliError(
      `${command}: DATABASE_URL is set: back up PostgreSQL with pg_dump and the media directory (README, "Command line")`,
    );
  return config;
}

const assetsDir = (file: string) => `${file}.files`;

export const backupCommand: Command = {
  name: 'backup',
  summary: 'back up a SQLite instance (online) with its secret and media',
  help: BACKUP_HELP,
  async run(args) {
    const { values, positionals, help } = parseCommandArgs('backup', args, { force: { type: 'boolean' } }, { min: 1, max: 1 });
    if (help) return void process.stdout.write(BACKUP_HELP + '\n');
    const config = sqliteConfig('backup');
    const file = path.resolve(positionals[0]);
    const source = path.join(config.dataDir, DB_FILE);
    if (!existsSync(source)) throw new CliError(`backup: no database at ${source} (set FLOTILLA_DATA_DIR)`);
    if (existsSync(file) || existsSync(assetsDir(file))) {
      if (!values.force) throw new CliError(`backup: ${file} exists (use --force to replace it)`);
      rmSync(file, { force: true });
      rmSync(assetsDir(file), { recursive: true, force: true });
    }
    if (!existsSync(path.dirname(file))) throw new CliError(`backup: the folder ${path.dirname(file)} does not exist`);
    const originals = path.join(config.mediaDir, 'originals');
    const target = path.join(assetsDir(file), 'media', 'originals');
    // media in an S3 bucket are left to the bucket's own tools (versioning, replication): decision 0022
    const onDisk = config.mediaStore === 'disk';
    mkdirSync(onDisk ? target : assetsDir(file), { recursive: true, mode: 0o700 });
    // files first, then the database, then the files that appeared meanwhile: a file is stored before its object
    // is created, so every media object in the copy has its file in one of the two passes
    const first = onDisk ? copyTree(originals, target, 'media files') : 0;
    await backupDatabase(source, file);
    const second = onDisk ? copyTree(originals, target, 'new media files') : 0;
    if (!config.secret && existsSync(path.join(config.dataDir, 'secret'))) {
      copyFileSync(path.join(config.dataDir, 'secret'), path.join(assetsDir(file), 'secret'));
      chmodSync(path.join(assetsDir(file), 'secret'), 0o600);
    }
    if (!onDisk)
      process.stdout.write(
        `Backed up ${source} to ${file}. Media files are in the S3 bucket ${config.s3!.bucket} and are not part of ` +
          'this backup: back the bucket up with its own tools\n',
      );
    else process.stdout.write(`Backed up ${source} to ${file} and ${first + second} media files to ${assetsDir(file)}\n`);
  },
};

/** SQLite's online backup in a single step: one read transaction, so concurrent writers neither block nor restart it. */
async function backupDatabase(source: string, file: string): Promise<void> {
  const db = new BetterSqlite3(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const progress = startProgress('database pages', 1);
    await db.backup(file, { progress: () => 0x7fffffff });
    progress.increment();
    progress.stop();
    chmodSync(file, 0o600);
  } catch (e) {
    throw new CliError(`backup: ${(e as Error).message}`);
  } finally {
    db.close();
  }
}

/** Copies the files of `from` missing in `to` (media files never change once stored: ids are final). */
function copyTree(from: string, to: string, label: string): number {
  if (!existsSync(from)) return 0;
  const files = listFiles(from);
  const missing = files.filter((rel) => !existsSync(path.join(to, rel)));
  const progress = startProgress(label, missing.length);
  let copied = 0;
  for (const rel of missing) {
    mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    try {
      copyFileSync(path.join(from, rel), path.join(to, rel));
      copied++;
    } catch (e) {
      // deleted since it was listed: its object is gone too
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    progress.increment();
  }
  progress.stop();
  return copied;
}

function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...listFiles(root, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'restore a SQLite backup made by `flotilla backup` (server stopped)',
  help: RESTORE_HELP,
  async run(args) {
    const { values, positionals, help } = parseCommandArgs('restore', args, { force: { type: 'boolean' } }, { min: 1, max: 1 });
    if (help) return void process.stdout.write(RESTORE_HELP + '\n');
    const config = sqliteConfig('restore');
    const file = path.resolve(positionals[0]);
    if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`restore: no backup at ${file}`);
    checkDatabase(file);
    const target = path.join(config.dataDir, DB_FILE);
    if (existsSync(target) && !values.force)
      throw new CliError(`restore: ${target} exists (stop the server, then use --force to replace it)`);
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    for (const f of [target, `${target}-wal`, `${target}-shm`]) rmSync(f, { force: true });
    copyFileSync(file, target);
    chmodSync(target, 0o600);
    const secret = path.join(assetsDir(file), 'secret');
    if (existsSync(secret)) {
      if (config.secret) process.stderr.write('restore: FLOTILLA_SECRET is set; the backed-up secret file is not restored\n');
      else {
        copyFileSync(secret, path.join(config.dataDir, 'secret'));
        chmodSync(path.join(config.dataDir, 'secret'), 0o600);
      }
    }
    const saved = path.join(assetsDir(file), 'media', 'originals');
    if (config.mediaStore === 's3') {
      const count = existsSync(saved) ? listFiles(saved).length : 0;
      if (count > 0)
        process.stderr.write(
          `restore: FLOTILLA_MEDIA_STORE=s3: the ${count} media files of the backup were not restored; copy ${saved} ` +
            `into the bucket ${config.s3!.bucket} under ${config.s3!.prefix}originals/\n`,
        );
      process.stdout.write(`Restored ${file} into ${config.dataDir}; media files stay in the S3 bucket\n`);
      return;
    }
    const originals = path.join(config.mediaDir, 'originals');
    if (values.force) rmSync(config.mediaDir, { recursive: true, force: true });
    mkdirSync(originals, { recursive: true });
    const copied = copyTree(saved, originals, 'media files');
    process.stdout.write(`Restored ${file} into ${config.dataDir} with ${copied} media files\n`);
  },
};

/** Refuses a file that is not a sound SQLite database. */
function checkDatabase(file: string): void {
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const result = db.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new Error(String(result));
  } catch (e) {
    throw new CliError(`restore: ${file} is not a usable SQLite database: ${(e as Error).message}`);
  } finally {
    db?.close();
  }
}
