import { AppError } from '../core/errors.js';
import { createAdminCommand, resetPasswordCommand } from './admin.command.js';
import { backupCommand, restoreCommand } from './backup.command.js';
import { CliError } from './cli-error.js';
import type { Command } from './command.js';
import { exportCommand } from './export.command.js';
import { importCommand } from './import.command.js';

const COMMANDS: Command[] = [
  exportCommand,
  importCommand,
  backupCommand,
  restoreCommand,
  createAdminCommand,
  resetPasswordCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: flotilla <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `flotilla <command> --help` for the options of each.',
  ].join('\n');
}

/** Runs one command line; returns the exit status. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(overview() + '\n');
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`flotilla: unknown command "${name}"\n\n${overview()}\n`);
    return 1;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (e) {
    if (e instanceof CliError) process.stderr.write(`flotilla ${name}: ${e.message.replace(`${name}: `, '')}\n`);
    else if (e instanceof AppError) process.stderr.write(`flotilla ${name}: ${JSON.stringify(e.body)}\n`);
    else process.stderr.write(`flotilla ${name}: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

process.exitCode = await runCli(process.argv.slice(2));
