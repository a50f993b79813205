import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FloorboardError } from '../../core/errors.ts';
import { openPostgresStorage, type PostgresOptions } from './postgres-storage.ts';
import { openSqliteStorage } from './sqlite-storage.ts';
import type { Storage } from './storage.ts';

/** File name of the SQLite database inside the data directory. */
export const SQLITE_FILE = 'floorboard.db';

/**
 * Picks the adapter: `postgres://` or `postgresql://` stores in PostgreSQL, no URL stores in SQLite
 * at `${dataDir}/floorboard.db` (the directory is created). Any other URL is refused rather than
 * silently falling back to SQLite, so a mistyped DATABASE_URL cannot split the data in two.
 * Call `migrate()` on the result before use.
 *
 * @example
 * const storage = openStorage(process.env.DATABASE_URL, './data');
 * await storage.migrate();
 */
export function openStorage(url: string | undefined, dataDir: string, options: PostgresOptions = {}): Storage {
  if (url !== undefined && url.trim() !== '') {
    if (/^postgres(ql)?:\/\//i.test(url)) return openPostgresStorage(url, options);
    throw new FloorboardError('invalid-config', 'DATABASE_URL must start with postgres:// or postgresql://', {
      details: [`DATABASE_URL: unsupported scheme in "${url.replace(/\/\/[^@/]*@/, '//***@')}"`],
    });
  }
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new FloorboardError('storage-failed', `storage: cannot create data directory ${dataDir}`, { cause: error });
  }
  return openSqliteStorage(join(dataDir, SQLITE_FILE));
}
