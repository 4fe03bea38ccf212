import { createApp } from './app.js';
import { loadConfig } from './config/config.js';

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

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().finally(() => process.exit(0));
  });
}
