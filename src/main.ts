import { createApp } from './app.js';
import { loadConfig } from './config/config.js';

const config = loadConfig();
const app = await createApp(config);
await app.server.listen({ port: config.port, host: config.host });
const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
const url = config.publicUrl ?? `http://${shown}:${config.port}`;
process.stdout.write(`Flotilla is running on ${config.databaseUrl ? 'PostgreSQL' : 'SQLite'}\n  API:   ${url}/api/v1\n  Panel: ${url}/\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().finally(() => process.exit(0));
  });
}
