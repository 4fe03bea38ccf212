import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error.js';

/** One subcommand: its name, one line for the overview, its full help, and what it does with its arguments. */
export interface Command {
  name: string;
  summary: string;
  help: string;
  run(args: string[]): Promise<void>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * util.parseArgs in strict mode with `--help` added; an unknown option or a wrong positional count is a CliError
 * that names the command, so every subcommand fails the same way.
 */
export function parseCommandArgs<O extends Options>(
  command: string,
  args: string[],
  options: O,
  positionals: { min: number; max: number },
) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new CliError(`${command}: ${(e as Error).message} (see flotilla ${command} --help)`);
  }
  const help = (parsed.values as Record<string, unknown>).help === true;
  if (!help && (parsed.positionals.length < positionals.min || parsed.positionals.length > positionals.max)) {
    throw new CliError(
      `${command}: expected ${describeCount(positionals)}, got ${parsed.positionals.length} (see flotilla ${command} --help)`,
    );
  }
  return {
    values: parsed.values as { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string },
    positionals: parsed.positionals,
    help,
  };
}

function describeCount({ min, max }: { min: number; max: number }): string {
  if (min === max) return `${min} argument${min === 1 ? '' : 's'}`;
  return `${min} to ${max} arguments`;
}

/** A required option, or a CliError naming it (and the environment variable that may stand in for it). */
export function required(command: string, value: string | undefined, option: string, env?: string): string {
  const v = value ?? (env ? process.env[env] : undefined);
  if (v === undefined || v === '') throw new CliError(`${command}: --${option}${env ? ` (or ${env})` : ''} is required`);
  return v;
}
