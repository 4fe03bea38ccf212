import { createApp } from '../app.js';
import { loadConfig } from '../config/config.js';
import { AppError } from '../core/errors.js';
import { SYSTEM } from '../core/principal.js';
import { CliError } from './cli-error.js';
import { parseCommandArgs, required, type Command } from './command.js';
import { readPassword } from './read-password.js';

const ENV_NOTE = `The database is the one the server uses: FLOTILLA_DATA_DIR (SQLite, default ./data) or DATABASE_URL
(PostgreSQL), with the same FLOTILLA_SECRET if you set one. The server may be running.`;

const CREATE_HELP = `Usage: flotilla create-admin --email <address> [--name <name>]

Creates a Panel administrator. The password is asked at a prompt without echo, or read as the first line of
stdin when stdin is not a terminal (e.g. \`printf '%s\\n' "$PW" | flotilla create-admin --email a@b.c\`). It is never
accepted as an argument.

${ENV_NOTE}`;

const RESET_HELP = `Usage: flotilla reset-password --email <address>

Sets a new password for a Panel user and signs that user out everywhere. The password is read as for
create-admin: a prompt without echo, or the first line of stdin; never an argument.

${ENV_NOTE}`;

/** Refuses a password given on the command line before anything else, whatever else is wrong. */
function refusePasswordArgument(command: string, args: string[]): void {
  if (args.some((a) => /^--?(password|pass|pw|p)(=|$)/.test(a)))
    throw new CliError(
      `${command}: a password is never taken from the command line (it would show in ps and the shell history); type it at the prompt or pipe it on stdin`,
    );
}

/** Runs `fn` with the project's own services over the configured database, then closes everything. */
async function withApp<T>(fn: (app: Awaited<ReturnType<typeof createApp>>) => Promise<T>): Promise<T> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const app = await createApp(config);
  try {
    return await fn(app);
  } catch (e) {
    if (e instanceof AppError) throw new CliError(describeAppError(e));
    throw e;
  } finally {
    await app.close();
  }
}

function describeAppError(e: AppError): string {
  const body = e.body as Record<string, unknown>;
  if (e.status === 404) return 'no such user';
  return Object.entries(body)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(' ') : String(v)}`)
    .join('; ');
}

export const createAdminCommand: Command = {
  name: 'create-admin',
  summary: 'create a Panel administrator (password from a prompt or stdin)',
  help: CREATE_HELP,
  async run(args) {
    refusePasswordArgument('create-admin', args);
    const { values, help } = parseCommandArgs(
      'create-admin',
      args,
      { email: { type: 'string' }, name: { type: 'string' } },
      { min: 0, max: 0 },
    );
    if (help) return void process.stdout.write(CREATE_HELP + '\n');
    const email = required('create-admin', values.email, 'email');
    const password = await readPassword();
    const user = await withApp(async (app) => {
      const made = await app.services.users.create(email, password, values.name ?? 'Administrator');
      await app.services.audit.record(
        SYSTEM,
        'user.created',
        { id: made.id, name: made.email },
        { via: 'cli', roleId: 'administrator' },
      );
      return made;
    });
    process.stdout.write(`Created Panel user ${user.email}\n`);
  },
};

export const resetPasswordCommand: Command = {
  name: 'reset-password',
  summary: "set a Panel user's password (from a prompt or stdin)",
  help: RESET_HELP,
  async run(args) {
    refusePasswordArgument('reset-password', args);
    const { values, help } = parseCommandArgs('reset-password', args, { email: { type: 'string' } }, { min: 0, max: 0 });
    if (help) return void process.stdout.write(RESET_HELP + '\n');
    const email = required('reset-password', values.email, 'email');
    const password = await readPassword();
    const user = await withApp(async (app) => {
      const reset = await app.services.users.resetPassword(email, password);
      await app.services.audit.record(SYSTEM, 'user.password-reset', { id: reset.id, name: reset.email }, { via: 'cli' });
      return reset;
    });
    process.stdout.write(`Password set for ${user.email}; their sessions were ended\n`);
  },
};
