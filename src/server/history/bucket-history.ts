import type { FloorEvent, OeeQuery, OeeReport, Plant } from '../../core/index.ts';
import { rawOfHour, reportFromHours } from '../../core/oee/bucket-sums.ts';
import { localBoundaries, localHourStart, shiftInstances } from '../../core/oee/calendar.ts';
import { computeRaws } from '../../core/oee/engine.ts';
import type { RawFigures } from '../../core/oee/figures.ts';
import { buildPlan } from '../../core/oee/plan.ts';
import { LOOKBACK_MS } from './hourly-buckets.ts';
import type { Storage, StoredEventInput } from '../storage/storage.ts';
import type { Monitoring } from '../../core/oee/no-data.ts';

const HOUR_MS = 3600_000;
/** Shorter windows are computed from raw events: a couple of days of them is cheap. */
export const MIN_BUCKET_WINDOW_MS = 48 * HOUR_MS;
/** The hour that just ended is rewritten once more after it ends: it and later hours come from raw events. */
const SETTLE_MS = HOUR_MS;

export interface BucketHistoryDeps {
  storage: Storage;
  /** Start of the earliest hour the bucket writer has yet to (re)write; none when there is no writer. */
  bucketsStaleFrom?: () => number | Promise<number>;
  /** What the engine cannot see in the events (ADR 0009), for the raw head and tail. */
  monitoringNow?: Monitoring;
}

type Hour = { start: number; raw: RawFigures };

const isHourStart = (tz: string, ts: number) => localHourStart(tz, ts) === ts;

/**
 * Whether the query's buckets are unions of whole local hours, so hourly sums compose them
 * exactly: always for hour, day and window (the partial first and last hours come from raw
 * events); for shift only when every shift in the window starts and ends on a full local hour.
 */
export function composesFromHours(plant: Plant, query: OeeQuery): boolean {
  if (query.by !== 'shift') return true;
  const tz = plant.calendar.timezone;
  return shiftInstances(plant.calendar, query.from, query.to).every((s) => isHourStart(tz, s.start) && isHourStart(tz, s.end));
}

/**
 * The stored event on the service clock: the engine reads `ts`, so it gets the corrected time.
 * Most events need no correction and are shared as they are (nothing mutates them): a copy per
 * event was a visible share of ingest time.
 */
export const onServiceClock = (r: StoredEventInput): FloorEvent => (r.event.ts === r.correctedTs ? r.event : { ...r.event, ts: r.correctedTs });

/** Stored events of `lineIds` in [from, to) on the service clock (corrected time); no `to`: up to the last stored. */
export async function eventsBetween(storage: Storage, lineIds: readonly string[], from: number, to?: number): Promise<FloorEvent[]> {
  const page = await storage.listEvents({ lineIds: [...lineIds], from: Math.max(0, from), ...(to === undefined ? {} : { to }), orderBy: 'time' });
  return page.events.map(onServiceClock);
}

/** The event types that carry a line's state into a window: a stop, changeover or machine state still open at its start. */
export const STATE_TYPES = ['stop.start', 'stop.end', 'stop.classify', 'stop.split', 'changeover.start', 'changeover.end', 'machine.state', 'machine.heartbeat', 'count'];
/** Of each, per line: enough to close every stop still open among the latest ones. */
export const STATE_EVENTS_PER_TYPE = 50;

/**
 * Each line's latest state events before `before`, however old, on the service clock, oldest
 * first: what a line was left in (a stop open since the weekend, the machine's last state).
 */
export async function stateBefore(storage: Storage, lineIds: readonly string[], before: number): Promise<FloorEvent[]> {
  if (before <= 0 || lineIds.length === 0) return [];
  const rows = await storage.latestEventsBefore({ lineIds: [...lineIds], types: STATE_TYPES, before, perType: STATE_EVENTS_PER_TYPE });
  return rows.map(onServiceClock);
}

/**
 * `eventsBetween`, led by each line's latest state events before `from`, however old: a stop open
 * since the weekend is in a Monday window's stop list, timeline, shift report, OEE (the hourly
 * buckets too: bucket-writer.ts) and live status and OEE (live-oee.ts), all read through here.
 * Without them, a stop that began more than the lookback before the window was missing from the
 * list while the live view counted it.
 */
export async function eventsWithState(storage: Storage, lineIds: readonly string[], from: number, to?: number): Promise<FloorEvent[]> {
  const start = Math.max(0, from);
  const [older, events] = await Promise.all([stateBefore(storage, lineIds, start), eventsBetween(storage, lineIds, start, to)]);
  return [...older, ...events];
}

/**
 * Raw figures of every hour of [countFrom, to) from the events since `eventsFrom` (led by each
 * line's state before it, as the bucket writer reads them), each stop counted in its first hour
 * since `countFrom`. Events until a day after `to` are read, as for every OEE
 * query: a stop's end or reason recorded later is known (history-scope.ts).
 */
async function rawHours(deps: BucketHistoryDeps, plant: Plant, query: OeeQuery, countFrom: number, to: number, eventsFrom: number): Promise<Map<string, Hour[]>> {
  const lineIds = query.lineIds ?? [];
  const events = await eventsWithState(deps.storage, lineIds, eventsFrom, to + LOOKBACK_MS);
  const { lines, plan, raws } = computeRaws(plant, events, { from: countFrom, to, now: query.now, by: 'hour', lineIds }, deps.monitoringNow);
  const out = new Map<string, Hour[]>();
  lines.forEach((l, i) => {
    const hours: Hour[] = [];
    plan.buckets.forEach((b, k) => hours.push({ start: b.start, raw: raws[i]!.buckets[k]! }));
    out.set(l.line.id, hours);
  });
  return out;
}

/**
 * The OEE report of a long window from the pre-aggregated hourly buckets, or null when they cannot
 * give exactly what `computeOee` over the raw events gives (then the caller computes from events).
 * Raw events fill the head (up to the end of the window's first planned hour, so stops open at the
 * window start are counted there as the engine counts them) and the tail (hours not yet settled);
 * everything between is summed from buckets. One engine: the sums go through the core roll-up and
 * finalize (`reportFromHours`).
 */
export async function oeeFromBuckets(deps: BucketHistoryDeps, plant: Plant, query: OeeQuery & { lineIds: readonly string[] }): Promise<OeeReport | null> {
  if (!deps.bucketsStaleFrom || query.to - query.from < MIN_BUCKET_WINDOW_MS || !composesFromHours(plant, query)) return null;
  const tz = plant.calendar.timezone;
  const firstPlanned = buildPlan(plant.calendar, query.from, query.to, 'window').pieceStart[0];
  if (firstPlanned === undefined) return null;
  const headEnd = localHourStart(tz, firstPlanned) + HOUR_MS;
  const settled = Math.min(query.to, query.now - SETTLE_MS, await deps.bucketsStaleFrom());
  // -Infinity: no writer yet (the service is starting).
  if (!(settled > headEnd)) return null;
  const tailStart = localHourStart(tz, settled);
  if (tailStart <= headEnd) return null;

  const rows = await deps.storage.listHourlyBuckets({ lineIds: [...query.lineIds], from: headEnd, to: tailStart });
  const expected = localBoundaries(tz, headEnd, tailStart, 'hour').length - 1;
  const stored = new Map<string, Hour[]>(query.lineIds.map((id) => [id, []]));
  for (const r of rows) {
    // A bucket from before schema version 4 has no reason tallies: not usable.
    if (r.reasons === null) return null;
    stored.get(r.lineId)?.push({ start: r.start, raw: rawOfHour({ ...r, reasons: r.reasons }) });
  }
  // An hour the service never wrote (it was down, or the hour predates the buckets): raw events.
  if ([...stored.values()].some((h) => h.length !== expected)) return null;

  // The head as the raw path sees it; the tail as the bucket writer would write it (hourly-buckets.ts).
  const head = await rawHours(deps, plant, query, query.from, headEnd, query.from - LOOKBACK_MS);
  const tail = await rawHours(deps, plant, query, tailStart - LOOKBACK_MS, query.to, tailStart - LOOKBACK_MS);
  const hours = new Map<string, Hour[]>();
  for (const id of query.lineIds) {
    hours.set(id, [...(head.get(id) ?? []), ...(stored.get(id) ?? []), ...(tail.get(id) ?? []).filter((h) => h.start >= tailStart)]);
  }
  return reportFromHours(plant, query, hours);
}
