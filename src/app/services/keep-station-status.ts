import { stationStatusSchema, type StationStatus } from '../../core/live.schema.ts';
import { CacheIdb } from '../adapters/cache-idb.ts';

/** The station status the last run kept (`meta` key `station-status`), or null when none is valid. */
export function keptStationStatus(raw: unknown): StationStatus | null {
  return CacheIdb.parse(raw, stationStatusSchema);
}

/** What an operator reads off the status; a change of it is kept at once (a reload may follow within a second). */
const gist = (s: StationStatus) => [s.state, s.good, s.reject, s.productId, s.stop?.stopId, s.changeover?.changeoverId, s.awaitingCount, s.from].join('|');

/**
 * Keeps the station's last status in IndexedDB, so it survives a reload offline (shown with its
 * age). Returns the handler of each status received (main.ts hands it to the line-live manager).
 * Loaded after the first screen, with the live schema.
 */
export function keepStationStatus(cache: CacheIdb, kept: StationStatus | null): (s: StationStatus) => void {
  let keptAt = 0;
  let latest: StationStatus | null = null;
  let keepTimer: ReturnType<typeof setTimeout> | null = null;
  let keptGist = kept ? gist(kept) : '';
  return (s) => {
    latest = s;
    const isNews = gist(s) !== keptGist;
    if (isNews && keepTimer) {
      clearTimeout(keepTimer);
      keepTimer = null;
    }
    // Otherwise (only its age or target moved) the latest one at most every 2 s: the meta store is
    // also where each tap takes its sequence number.
    keepTimer ??= setTimeout(() => {
      keepTimer = null;
      keptAt = Date.now();
      if (latest) keptGist = gist(latest);
      void cache.put('station-status', latest).catch((error: unknown) => console.warn('station status not kept', error));
    }, isNews ? 0 : Math.max(0, keptAt + 2000 - Date.now()));
  };
}
