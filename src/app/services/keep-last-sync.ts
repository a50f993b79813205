import type { Db } from '../adapters/db.ts';
import { KeptLive } from '../adapters/kept-live.ts';

/**
 * Keeps the last sync time in IndexedDB, at most every 10 s (no tap waits for it, but each write is
 * work for the same disk), and at once for the first one after start. Returns the handler of a
 * newer sync time (main.ts hands it to the sync manager).
 */
export function keepLastSync(db: Db): (at: number) => void {
  const cache = new KeptLive(db);
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

