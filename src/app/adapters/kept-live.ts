import type * as z from 'zod/mini';
import { CacheIdb } from './cache-idb.ts';
import type { Db } from './db.ts';

/**
 * What the tablet last heard, kept for a reload offline: the station's, the line's and its OEE's
 * last status, the station's log, and when an entry was last acknowledged.
 */
export const KEPT_LIVE_KEYS = ['station-status', 'line-status', 'line-oee', 'station-log', 'last-sync'] as const;
export type KeptLiveKey = (typeof KEPT_LIVE_KEYS)[number];

/**
 * Reads and writes what the tablet last heard. These are written while an operator taps (a count
 * changes the status at once), so they live in the `cache` store, not in `meta`: each tap's
 * transaction takes `meta` for its seq, and a write there would make the next tap wait for it.
 * Loaded after the first screen.
 */
export class KeptLive {
  constructor(private readonly db: Db) {}

  /** The kept value, zod-checked; one absent from `cache` is read from `meta`, where earlier versions kept it. */
  async get<T>(key: KeptLiveKey, schema: z.ZodMiniType<T>): Promise<T | null> {
    const kept = await this.db.get('cache', key);
    return CacheIdb.parse(kept === undefined ? await this.db.get('meta', key) : kept, schema);
  }

  async put(key: KeptLiveKey, value: unknown): Promise<void> {
    // Relaxed (Chromium's default, said outright): a copy of what the service said, heard again on reconnect.
    const tx = this.db.transaction('cache', 'readwrite', { durability: 'relaxed' });
    const put = tx.store.put(value, key);
    // Nothing more comes: committed now, not when the event loop next turns.
    tx.commit();
    await Promise.all([put, tx.done]);
  }
}
