/** A failure the command reports as one clear line and exit status 1 (no stack trace). */
export class CliError extends Error {}
