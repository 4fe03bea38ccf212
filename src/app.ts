import type { FastifyInstance } from 'fastify';
import { ApiKeysService } from './auth/api-keys.service.js';
import { authContextRoutes } from './auth/auth-context.routes.js';
import { KeyCrypto } from './auth/key-crypto.js';
import { loadMasterSecret } from './auth/master-secret.js';
import type { Config } from './config/config.js';
import { ContentService } from './content/content.service.js';
import { ContentWriter } from './content/content-writer.service.js';
import { contentRoutes } from './content/content.routes.js';
import { Hydrator } from './content/hydrate.js';
import { ContentTypesService } from './content-types/content-types.service.js';
import { contentTypesRoutes } from './content-types/content-types.routes.js';
import { TypeRegistry } from './content-types/type-registry.js';
import { systemClock, type Clock } from './core/clock.js';
import { SYSTEM } from './core/principal.js';
import { apiKeyAuth } from './http/route-auth.js';
import { createServer } from './http/server.js';
import { connectStorage } from './storage/connect.js';
import type { Storage } from './storage/port.js';

export interface AppOptions {
  clock?: Clock;
  logStream?: NodeJS.WritableStream;
}

export interface Services {
  keys: ApiKeysService;
  contentTypes: ContentTypesService;
  content: ContentService;
  writer: ContentWriter;
  hydrator: Hydrator;
}

export interface App {
  server: FastifyInstance;
  storage: Storage;
  services: Services;
  close(): Promise<void>;
}

/** Wires every module; `main.ts` and the tests both start here. */
export async function createApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const clock = opts.clock ?? systemClock;
  const storage = await connectStorage(config);
  try {
    const crypto = new KeyCrypto(loadMasterSecret(config.secret, config.dataDir));
    const registry = new TypeRegistry(storage);
    const keys = new ApiKeysService(storage, crypto, clock);
    const contentTypes = new ContentTypesService(storage, registry, keys, clock);
    const hydrator = new Hydrator(storage);
    const content = new ContentService(storage, registry, hydrator);
    const writer = new ContentWriter(storage, content, clock, config.maxObjectBytes, config.batchLimit);

    await keys.ensureApplicationKeys(SYSTEM);
    await contentTypes.ensureInternalTypes(SYSTEM);

    const server = createServer({
      logLevel: config.logLevel,
      bodyLimit: Math.max(config.maxObjectBytes * 4, 16 * 1024 * 1024),
      logStream: opts.logStream,
    });
    server.addHook('onRequest', apiKeyAuth(keys));
    authContextRoutes(server);
    contentTypesRoutes(server, contentTypes);
    contentRoutes(server, content, writer);
    await server.ready();

    return {
      server,
      storage,
      services: { keys, contentTypes, content, writer, hydrator },
      async close() {
        await server.close();
        await storage.close();
      },
    };
  } catch (e) {
    await storage.close();
    throw e;
  }
}
