import type { CacheIdb } from '../adapters/cache-idb.ts';

/**
 * Keeps the last sync time in IndexedDB, at most every 10 s (the meta store is also where each tap
 * takes its sequence number), and at once for the first one after start. Returns the handler of
 * a newer sync time (main.ts hands it to the sync manager).
 */
export function keepLastSync(cache: CacheIdb): (at: number) => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let latest = 0;
  let keptAt = 0;
  return (at) => {
    latest = at;
    timer ??= setTimeout(() => {
      timer = null;
      keptAt = Date.now();
      void cache.put('last-sync', { at: latest }).catch((error: unknown) => console.warn('last sync not kept', error));
    }, Math.max(0, keptAt + 10_000 - Date.now()));
  };
}

