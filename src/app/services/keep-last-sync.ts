import type { CacheIdb } from '../adapters/cache-idb.ts';
import { sync } from '../managers/sync.svelte.ts';

/**
 * Keeps the last sync time in IndexedDB, at most every 10 s (the meta store is also where each tap
 * takes its sequence number), and at once for the first one after start.
 */
export function keepLastSync(cache: CacheIdb): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let latest = 0;
  let keptAt = 0;
  sync.onLastSync = (at) => {
    latest = at;
    timer ??= setTimeout(() => {
      timer = null;
      keptAt = Date.now();
      void cache.put('last-sync', { at: latest }).catch((error: unknown) => console.warn('last sync not kept', error));
    }, Math.max(0, keptAt + 10_000 - Date.now()));
  };
}

