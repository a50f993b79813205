import type { FloorEvent, Plant } from '../../core/index.ts';
import { hourSumsOf } from '../../core/oee/bucket-sums.ts';
import { computeRaws } from '../../core/oee/engine.ts';
import { reasonLosses } from '../../core/oee/query.schema.ts';
import { stopsByLine } from '../../core/oee-stops/stop-detail.ts';
import type { RawFigures } from '../../core/oee/figures.ts';
import type { Monitoring } from '../../core/oee/no-data.ts';
import type { HourlyBucket } from '../storage/storage.ts';

export const HOUR_MS = 3600_000;
/**
 * Events this long before an hour still shape it (a stop open at its start), and each write runs
 * the engine from this long before its first hour, so a stop that began earlier is counted in the
 * hour it began, never again in a later hour written on its own.
 */
export const LOOKBACK_MS = 24 * HOUR_MS;
/** Hours filled at start, so a fresh service has history buckets for the last two days. */
export const BACKFILL_HOURS = 48;
/**
 * Events held in memory reach this far before the current hour: the minute flush writes the
 * current hour and the one that just ended, each from LOOKBACK_MS earlier, and the rewrite of the
 * hour before them when a stop ends or is classified. Memory grows with the event rate, not with
 * uptime: at most 27 h of events (per-event size and totals: docs/benchmarks.md, bench:buckets).
 */
export const RECENT_MS = LOOKBACK_MS + 2 * HOUR_MS;
/** Stored events are read at most this much time of one line per turn of the event loop. */
export const READ_SLICE_MS = 2 * HOUR_MS;
/** Events at one instant: they change their own hour only. Every other type may end, reclassify or split a stop that began earlier. */
export const POINT_EVENTS: ReadonlySet<string> = new Set(['count', 'scrap', 'machine.counter', 'note', 'handover', 'handover.ack', 'andon.raise', 'andon.ack', 'andon.escalate', 'andon.resolve']);

/** A full bucket from the engine's raw figures of one hour: sums, breakdown count and every reason tally. */
export function bucketFromRaw(lineId: string, start: number, raw: RawFigures): HourlyBucket {
  const { start: _start, ...sums } = hourSumsOf(start, raw);
  return { lineId, start, ...sums };
}

/**
 * Buckets of every hour in [upsertFrom, to) of `lineIds` (all lines when omitted) from `events`,
 * the engine run from LOOKBACK_MS earlier so stops are counted once, in the hour they began.
 * `events` must reach back to upsertFrom - LOOKBACK_MS.
 */
export function hourlyBuckets(
  plant: Plant,
  events: readonly FloorEvent[],
  o: { upsertFrom: number; to: number; now: number; lineIds?: readonly string[]; monitoring?: Monitoring },
): HourlyBucket[] {
  const planFrom = o.upsertFrom - LOOKBACK_MS;
  const to = Math.min(o.to, Math.max(o.upsertFrom, o.now));
  if (to <= o.upsertFrom) return [];
  const { lines, plan, raws } = computeRaws(plant, events, { from: planFrom, to, now: o.now, by: 'hour', ...(o.lineIds ? { lineIds: o.lineIds } : {}) }, o.monitoring);
  const rows: HourlyBucket[] = [];
  lines.forEach((l, i) => {
    plan.buckets.forEach((b, k) => {
      if (b.start >= o.upsertFrom) rows.push(bucketFromRaw(l.line.id, b.start, raws[i]!.buckets[k]!));
    });
  });
  return rows;
}

/** A stop-changing event's ask of earlier hours: the hour it landed in, and the events it names. */
export interface Reach {
  hour: number;
  refs: Set<string>;
}

/** Ids a stop-changing event names: its stop (the stop.start's id), or the event it corrects or voids. */
export function refsOf(e: FloorEvent): string[] {
  switch (e.type) {
    case 'stop.end':
    case 'stop.classify':
    case 'stop.split':
      return [e.stopId];
    case 'correction':
      return [e.supersedes];
    case 'void':
      return [e.voids];
    default:
      return [];
  }
}

/**
 * Per line of `reaches`, the earliest instant whose hour the reaching events change: the start of
 * every stop they name and any event they correct or void, however old (a reason given on Monday
 * to a stop open since Saturday changes every hour of it), and the start of every stop still
 * running at or after the event's hour (an end, a machine state, a changeover), at most a look-back
 * before that hour: a stop counted over a day already, its first hour no longer changes by its
 * end (and a stop open all week would otherwise be written again all week, every minute). Found
 * in the events a write has read anyway (with each line's state before them, so an old stop's
 * start is among them); only the few that are not point events are looked at.
 */
export function reachedFrom(plant: Plant, events: readonly FloorEvent[], reaches: ReadonlyMap<string, Reach>, now: number): Map<string, number> {
  const out = new Map<string, number>();
  if (reaches.size === 0) return out;
  const lines = plant.areas.flatMap((a) => a.lines).filter((l) => reaches.has(l.id));
  const stopEvents = events.filter((e) => !POINT_EVENTS.has(e.type) && reaches.has(e.lineId));
  const tsById = new Map(stopEvents.map((e) => [e.id, e.ts]));
  for (const { lineId, stops } of stopsByLine(lines, stopEvents, now, reasonLosses(plant))) {
    const r = reaches.get(lineId)!;
    let earliest = Number.POSITIVE_INFINITY;
    for (const ref of r.refs) earliest = Math.min(earliest, tsById.get(ref) ?? earliest);
    for (const s of stops) {
      const isNamed = r.refs.has(s.id) || r.refs.has(s.originEventId) || (s.reasonEvent !== null && r.refs.has(s.reasonEvent.id));
      if (isNamed) earliest = Math.min(earliest, s.start);
      else if (s.end >= r.hour) earliest = Math.min(earliest, Math.max(s.start, r.hour - LOOKBACK_MS));
    }
    if (earliest < Number.POSITIVE_INFINITY) out.set(lineId, earliest);
  }
  return out;
}
