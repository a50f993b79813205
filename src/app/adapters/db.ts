import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/**
 * The tablet's one IndexedDB database. Values are stored as plain objects and parsed with zod on
 * every read (a browser profile outlives app versions), so the schema here is deliberately loose.
 */
export interface FloorboardDb extends DBSchema {
  /** Entries not yet acknowledged by the plant service, keyed by event id. */
  outbox: { key: string; value: unknown; indexes: { seq: number } };
  /** The device's own events of the last day and a half: the station view is derived from them. */
  journal: { key: string; value: unknown; indexes: { ts: number } };
  /** Device settings: sequence counter, enrolment, session, sync credentials. */
  meta: { key: string; value: unknown };
  /** Cached plant model and roster for offline start and offline sign-in. */
  cache: { key: string; value: unknown };
}

export type Db = IDBPDatabase<FloorboardDb>;
export const DB_NAME = 'floorboard';

/** Opens (and on first use creates) the database. */
export function openFloorboardDb(name = DB_NAME): Promise<Db> {
  return openDB<FloorboardDb>(name, 1, {
    upgrade(db) {
      db.createObjectStore('outbox', { keyPath: 'id' }).createIndex('seq', 'seq', { unique: true });
      db.createObjectStore('journal', { keyPath: 'id' }).createIndex('ts', 'ts');
      db.createObjectStore('meta');
      db.createObjectStore('cache');
    },
  });
}
