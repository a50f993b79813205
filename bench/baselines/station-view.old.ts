// The tablet's own fold before issue 10 (src/app/domain/station-view.ts at 5cd132f), kept only as a
// baseline for bench/station.bench.ts: the app no longer has a fold of its own.
import type { FloorEvent } from '../../src/core/events.schema.ts';

export interface StopView {
  stopId: string;
  start: number;
  end: number | null;
  reasonId: string | null;
}

/** What the operator screen shows, derived from this station's own events. */
export interface StationView {
  state: 'running' | 'stopped' | 'changeover';
  since: number | null;
  productId: string | null;
  openStop: StopView | null;
  /** Ended stops at or above the small-stop threshold with no reason, oldest first. */
  needsReason: StopView[];
  good: number;
  reject: number;
}

/**
 * Folds events (oldest first) into the station view. Pure: `from` cuts counts to the shift, and
 * `smallStopMs` keeps minor stops out of the "needs a reason" list.
 */
export function deriveStationView(
  events: readonly FloorEvent[],
  opts: { stationId: string; from: number; smallStopMs: number; defaultProductId: string | null },
): StationView {
  const stops = new Map<string, StopView>();
  let state: StationView['state'] = 'running';
  let since: number | null = null;
  let productId = opts.defaultProductId;
  let good = 0;
  let reject = 0;
  const sorted = events.filter((e) => e.stationId === opts.stationId).sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  for (const e of sorted) {
    switch (e.type) {
      case 'stop.start':
        stops.set(e.stopId, { stopId: e.stopId, start: e.ts, end: null, reasonId: e.reasonId ?? null });
        state = 'stopped';
        since = e.ts;
        break;
      case 'stop.end': {
        const s = stops.get(e.stopId);
        if (s) s.end = e.ts;
        if (state === 'stopped') [state, since] = ['running', e.ts];
        break;
      }
      case 'stop.classify': {
        const s = stops.get(e.stopId);
        if (s) s.reasonId = e.reasonId;
        break;
      }
      case 'stop.split': {
        const s = stops.get(e.stopId);
        if (!s || e.at <= s.start || (s.end !== null && e.at >= s.end)) break;
        stops.set(e.newStopId, { stopId: e.newStopId, start: e.at, end: s.end, reasonId: e.reasonId ?? null });
        s.end = e.at;
        break;
      }
      case 'count':
        if (e.ts >= opts.from) [good, reject] = [good + e.good, reject + e.reject];
        productId = e.productId;
        break;
      case 'changeover.start':
        [state, since] = ['changeover', e.ts];
        break;
      case 'changeover.end':
        [state, since, productId] = ['running', e.ts, e.productId];
        break;
      default:
        break;
    }
  }
  const all = [...stops.values()];
  const openStop = all.find((s) => s.end === null) ?? null;
  const needsReason = all
    .filter((s) => s.end !== null && s.reasonId === null && s.end - s.start >= opts.smallStopMs)
    .sort((a, b) => a.start - b.start);
  return { state, since, productId, openStop, needsReason, good, reject };
}

/** What feeds the "needs a reason" list besides this station's own view. */
export interface NeedsReasonSources {
  /** The machine stop open right now per the service's retained line status, if it awaits a reason. */
  live: StopView | null;
  /** The service's last answer to `GET /api/stops?needsReason=1` (kept in memory only). */
  fetched: readonly StopView[];
  /** Entries made on this tablet the service may not know yet (the outbox, the local journal). */
  local: readonly FloorEvent[];
}

/**
 * Merges the station's own unclassified stops with the service's (fetched and live) ones, oldest
 * first, one row per stop. A stop classified here disappears at once, before the service acks it;
 * a stop split here keeps only its earlier (still unclassified) part. The station's open stop is
 * left out: the screen offers its own button for it.
 * @example mergeNeedsReason(view, { live: null, fetched: [], local: [] }) // view.needsReason
 */
export function mergeNeedsReason(view: Pick<StationView, 'openStop' | 'needsReason'>, src: NeedsReasonSources): StopView[] {
  const classified = new Set<string>();
  const splitAt = new Map<string, number>();
  for (const e of src.local) {
    if (e.type === 'stop.classify') classified.add(e.stopId);
    else if (e.type === 'stop.split') splitAt.set(e.stopId, Math.min(e.at, splitAt.get(e.stopId) ?? Infinity));
  }
  const byId = new Map<string, StopView>();
  for (const s of src.fetched) {
    const at = splitAt.get(s.stopId);
    byId.set(s.stopId, at !== undefined && at > s.start && (s.end === null || at < s.end) ? { ...s, end: at } : s);
  }
  if (src.live && !byId.has(src.live.stopId)) byId.set(src.live.stopId, src.live);
  // The station's own derivation knows its latest entries: it wins over the service's copy.
  for (const s of view.needsReason) byId.set(s.stopId, s);
  return [...byId.values()]
    .filter((s) => s.reasonId === null && !classified.has(s.stopId) && s.stopId !== view.openStop?.stopId)
    .sort((a, b) => a.start - b.start || (a.stopId < b.stopId ? -1 : a.stopId > b.stopId ? 1 : 0));
}
