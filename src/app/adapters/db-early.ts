// The entry imports this module first: IndexedDB opens, and everything the first screen needs is
// read in ONE transaction, on the browser's storage thread while the rest of the bundle is still
// being evaluated. The values are raw: each is zod-parsed by its adapter before use.
// The journal (this device's settled entries, up to 36 h of them) is asked last in the same
// transaction and awaited after the first screen is mounted: only the lists below the fold and
// the "−1" need it, and copying and parsing a busy shift's journal took a third of the cold start.
import { openFloorboardDb, type Db } from './db.ts';

/** Journal events older than this are neither read at start nor kept (see OutboxIdb.prune). */
export const JOURNAL_KEEP_MS = 36 * 3600_000;

/** What the start-up read found, unparsed. */
export interface StartReads {
  /** `locale`: the tablet's language, kept across sign-out and reload (device.setLocale). */
  meta: { enrolment: unknown; session: unknown; credentials: unknown; stationStatus: unknown; lastSync: unknown; locale: unknown };
  cache: { plant: unknown; roster: unknown };
  /** Settles after the rest (see above): awaited after the first screen. */
  journal: Promise<unknown[]>;
  outbox: { keys: IDBValidKey[]; values: unknown[] };
}

/** The start-up read (exported for the adapter's tests). */
export async function readStart(db: Db, now: number): Promise<StartReads> {
  const tx = db.transaction(['meta', 'cache', 'journal', 'outbox'], 'readonly');
  const [meta, cache, outbox] = [tx.objectStore('meta'), tx.objectStore('cache'), tx.objectStore('outbox')];
  const first = Promise.all([
    meta.get('enrolment'), meta.get('session'), meta.get('credentials'), meta.get('locale'), cache.get('plant'), cache.get('roster'),
    // Kept in `cache` (see KEPT_LIVE_KEYS); a profile of an earlier version kept them in `meta`.
    cache.get('station-status'), cache.get('last-sync'), meta.get('station-status'), meta.get('last-sync'),
    // The whole store, not the seq index: a record whose seq is damaged is missing from the index.
    outbox.getAllKeys(), outbox.getAll(),
  ]);
  // Asked last: a transaction answers its requests in order, so the first screen's values do not wait for it.
  const journal = tx.objectStore('journal').index('ts').getAll(IDBKeyRange.lowerBound(now - JOURNAL_KEEP_MS));
  // A failure is reported where it is awaited (main.ts), not as an unhandled rejection here.
  journal.catch(() => undefined);
  const [enrolment, session, credentials, locale, plant, roster, status, sync, oldStatus, oldSync, keys, values] = await first;
  const [stationStatus, lastSync] = [status ?? oldStatus, sync ?? oldSync];
  return { meta: { enrolment, session, credentials, stationStatus, lastSync, locale }, cache: { plant, roster }, journal, outbox: { keys, values } };
}

export const earlyDb: Promise<Db> = openFloorboardDb();
void earlyDb.then(() => performance.mark('fb:db-open'), () => undefined);
performance.mark('fb:db-asked');
export const earlyReads: Promise<StartReads> = earlyDb.then((db) => readStart(db, Date.now()));
// A failure is reported where these are awaited (main.ts), not as an unhandled rejection here.
earlyReads.catch(() => undefined);
