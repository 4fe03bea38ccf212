import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Storage } from './port.js';
import { connectPostgres } from './postgres/postgres.connect.js';
import { connectSqlite } from './sqlite/sqlite.connect.js';

/** PostgreSQL when DATABASE_URL is set, otherwise SQLite in the data directory. */
export function connectStorage(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Storage> {
  return config.databaseUrl ? connectPostgres(config.databaseUrl) : connectSqlite(path.join(config.dataDir, 'flotilla.sqlite'));
}
