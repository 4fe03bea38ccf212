#!/usr/bin/env node
// The `flotilla` command (docs/decisions/0013-cli.md). In a checkout the TypeScript source runs through tsx, so a
// stale or missing dist/ never runs old code; in an install without src/ or tsx the built dist/cli/main.js runs.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = `${root}src/cli/main.ts`;
const built = `${root}dist/cli/main.js`;

async function tsxRegister() {
  try {
    const { register } = await import('tsx/esm/api');
    return register;
  } catch {
    return undefined;
  }
}

const register = existsSync(source) ? await tsxRegister() : undefined;
if (register) {
  register();
  await import(pathToFileURL(source).href);
} else if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  process.stderr.write(
    'flotilla: neither src/cli/main.ts with tsx nor dist/cli/main.js is present; run `npm ci` (and `npm run build`)\n',
  );
  process.exit(1);
}
