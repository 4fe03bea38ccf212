import { createApp } from './app.js';
import { loadConfig } from './config/config.js';
import { redact } from './http/redact.js';

const config = loadConfig();
const app = await createApp(config);
await app.server.listen({ port: config.port, host: config.host });
const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
const url = config.publicUrl ?? `http://${shown}:${config.port}`;
process.stdout.write(
  `Flotilla is running on ${config.databaseUrl ? 'PostgreSQL' : 'SQLite'}\n  API:   ${url}/api/v1\n  Panel: ${url}/\n`,
);
if (app.setupToken) {
  // printed once, to the terminal only (never to the log): whoever opens it first becomes the administrator
  process.stdout.write(
    `\nNo Panel user yet. Create the first administrator here (one-time link):\n  ${url}/setup#token=${app.setupToken}\n`,
  );
}

// graceful shutdown (decision 0023): the first signal drains, a second one ends the process at once
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    app.server.log.info({ signal }, 'shutting down: finishing requests in flight');
    // past the drain bound and a margin for the workers' last round and the database, give up
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs + config.webhookTimeoutMs + 5000).unref();
    app
      .close()
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        app.server.log.error({ err: { message: redact((e as Error).message) } }, 'shutdown failed');
        process.exit(1);
      });
  });
}
