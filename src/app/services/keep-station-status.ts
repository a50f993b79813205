import { lineStatusSchema, oeeSnapshotSchema, stationStatusSchema, type LineStatus, type OeeSnapshot, type StationStatus } from '../../core/live.schema.ts';
import { CacheIdb } from '../adapters/cache-idb.ts';
import type { Db } from '../adapters/db.ts';
import { KeptLive } from '../adapters/kept-live.ts';

/** The station status the last run kept (`meta` key `station-status`), or null when none is valid. */
export function keptStationStatus(raw: unknown): StationStatus | null {
  return CacheIdb.parse(raw, stationStatusSchema);
}

/** What an operator reads off the status; a change of it is kept at once (a reload may follow within a second). */
const gist = (s: StationStatus) => [s.state, s.good, s.reject, s.productId, s.stop?.stopId, s.changeover?.changeoverId, s.awaitingCount, s.from].join('|');
const lineGist = (s: LineStatus) => [s.state, s.good, s.reject, s.productId, s.stopId, s.shiftId].join('|');
const snapshotGist = (s: OeeSnapshot) => [s.good, s.total, s.shiftId, s.from].join('|');

type KeptKey = 'station-status' | 'line-status' | 'line-oee';

/**
 * Keeps the latest of a live message in IndexedDB under `key`: a change of its gist at once,
 * otherwise (only its age or target moved) at most every 2 s: no tap waits for it, but each write
 * is work for the same disk. Returns the handler of each message received.
 */
function keeper<T>(cache: KeptLive, key: KeptKey, gistOf: (v: T) => string, kept: T | null): (v: T) => void {
  let keptAt = 0;
  let latest: T | null = null;
  let keepTimer: ReturnType<typeof setTimeout> | null = null;
  let keptGist = kept ? gistOf(kept) : '';
  return (v) => {
    latest = v;
    const isNews = gistOf(v) !== keptGist;
    if (isNews && keepTimer) {
      clearTimeout(keepTimer);
      keepTimer = null;
    }
    keepTimer ??= setTimeout(() => {
      keepTimer = null;
      keptAt = Date.now();
      if (latest) keptGist = gistOf(latest);
      void cache.put(key, latest).catch((error: unknown) => console.warn(`${key} not kept`, error));
    }, isNews ? 0 : Math.max(0, keptAt + 2000 - Date.now()));
  };
}

/**
 * Keeps the station's last status in IndexedDB, so it survives a reload offline (shown with its
 * age). Returns the handler of each status received (main.ts hands it to the line-live manager).
 * Loaded after the first screen, with the live schema.
 */
export function keepStationStatus(db: Db, kept: StationStatus | null): (s: StationStatus) => void {
  return keeper(new KeptLive(db), 'station-status', gist, kept);
}

/** What the line's shift progress needs across a reload offline: the line's status and OEE snapshot. */
export interface KeptLineLive {
  status: LineStatus | null;
  snapshot: OeeSnapshot | null;
}

/**
 * Of the line status and OEE snapshot the last run kept, those of `lineId` and of the window
 * running at `now` (the snapshot's [from, to); the status of the same shift, no older than the
 * window's start): yesterday's figures are never shown as this shift's.
 */
export function currentLineLive(kept: KeptLineLive, lineId: string, now: number): KeptLineLive {
  const { status, snapshot } = kept;
  const isCurrent = snapshot !== null && snapshot.scope === 'line' && snapshot.id === lineId && snapshot.from <= now && now < snapshot.to;
  if (!isCurrent) return { status: null, snapshot: null };
  const isSameWindow = status !== null && status.lineId === lineId && status.shiftId === snapshot.shiftId && status.updatedAt >= snapshot.from;
  return { status: isSameWindow ? status : null, snapshot };
}

/** The line status and snapshot the last run kept (zod-checked on read) for `lineId` now; read after the first screen. */
export function readKeptLineLive(db: Db, lineId: string, now: number): Promise<KeptLineLive> {
  return keptLineLiveOf(new KeptLive(db), lineId, now);
}

/** See `readKeptLineLive` (exported for its test). */
export async function keptLineLiveOf(cache: Pick<KeptLive, 'get'>, lineId: string, now: number): Promise<KeptLineLive> {
  const [status, snapshot] = await Promise.all([cache.get('line-status', lineStatusSchema), cache.get('line-oee', oeeSnapshotSchema)]);
  return currentLineLive({ status, snapshot }, lineId, now);
}

/** The handlers that keep each newer line status and OEE snapshot (main.ts hands them to the line-live manager). */
export function keepLineLive(db: Db, kept: KeptLineLive): { onStatus: (s: LineStatus) => void; onSnapshot: (s: OeeSnapshot) => void } {
  const cache = new KeptLive(db);
  return { onStatus: keeper(cache, 'line-status', lineGist, kept.status), onSnapshot: keeper(cache, 'line-oee', snapshotGist, kept.snapshot) };
}
