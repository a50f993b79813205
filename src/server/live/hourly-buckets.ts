import type { FloorEvent, Plant } from '../../core/index.ts';
import { hourSumsOf } from '../../core/oee/bucket-sums.ts';
import { localHourStart } from '../../core/oee/calendar.ts';
import { computeRaws } from '../../core/oee/engine.ts';
import { reasonLosses } from '../../core/oee/query.schema.ts';
import { stopsByLine } from '../../core/oee-stops/stop-detail.ts';
import type { RawFigures } from '../../core/oee/figures.ts';
import type { Monitoring } from '../../core/oee/no-data.ts';
import type { HourlyBucket, Storage, StoredEventInput } from '../storage/storage.ts';
import { RecentEvents } from './recent-events.ts';

const HOUR_MS = 3600_000;
/**
 * Events this long before an hour still shape it (a stop open at its start), and each write runs
 * the engine from this long before its first hour, so a stop that began earlier is counted in the
 * hour it began, never again in a later hour written on its own.
 */
export const LOOKBACK_MS = 24 * HOUR_MS;
/** Hours filled at start, so a fresh service has history buckets for the last two days. */
const BACKFILL_HOURS = 48;
/**
 * Events held in memory reach this far before the current hour: the minute flush writes the
 * current hour and the one that just ended, each from LOOKBACK_MS earlier, and the rewrite of the
 * hour before them when a stop ends or is classified. Memory grows with the event rate, not with
 * uptime: at most 27 h of events, ~216 bytes each (bench:buckets), so ~32 MB for the demo's 8 lines
 * (~140k events a day) and ~215 MB for 50 lines at that density (~885k a day).
 */
const RECENT_MS = LOOKBACK_MS + 2 * HOUR_MS;
/** Stored events are read at most this much time of one line per turn of the event loop. */
const READ_SLICE_MS = 2 * HOUR_MS;
/** Events at one instant: they change their own hour only. Every other type may end, reclassify or split a stop that began earlier. */
const POINT_EVENTS: ReadonlySet<string> = new Set(['count', 'scrap', 'machine.counter', 'note', 'handover', 'handover.ack']);

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
interface Reach {
  hour: number;
  refs: Set<string>;
}

/** Ids a stop-changing event names: its stop (the stop.start's id), or the event it corrects or voids. */
function refsOf(e: FloorEvent): string[] {
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
 * every stop still running at or after the event's hour (an end, a machine state, a changeover),
 * of every stop they name, and any event they correct or void. Found in the events a write has
 * read anyway; only the few that are not point events are looked at.
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
      if (isNamed || s.end >= r.hour) earliest = Math.min(earliest, s.start);
    }
    if (earliest < Number.POSITIVE_INFINITY) out.set(lineId, earliest);
  }
  return out;
}

export interface BucketWriter {
  /** Marks the hours of freshly committed events for a rewrite. */
  touch(records: readonly StoredEventInput[]): void;
  /** Writes every marked hour now (also runs on its own once a minute). */
  flush(): Promise<void>;
  /** Start of the earliest hour that is marked or being written: buckets from there on may be stale. */
  staleFrom(): number;
  stop(): void;
}

/**
 * Keeps the hourly buckets (per line, local hours of the plant calendar) in step with the events:
 * computed by the core engine, so they agree with every other screen. Completed hours are
 * rewritten when a late event touches them; the current hour is rewritten as it fills.
 *
 * The minute flush reads no storage: the writer holds the recent events in memory (RecentEvents,
 * loaded once at start, then fed by `touch`) and writes one line at a time, yielding to the event
 * loop between lines, so live status, OEE and ingest never wait for more than one line's engine
 * run. Storage is read only for hours the memory does not reach back to (the backfill at start,
 * a late event or a stop more than about a day old), and then one line per turn too.
 */
export function startBucketWriter(o: {
  storage: Storage;
  plant: Plant;
  now: () => number;
  log: (m: string, f?: Record<string, unknown>) => void;
  flushMs?: number;
  /** What the engine cannot see in the events (run-log.ts, ADR 0009). */
  monitoring?: (lineIds: readonly string[]) => Promise<Monitoring>;
}): BucketWriter {
  const tz = o.plant.calendar.timezone;
  const allLineIds = o.plant.areas.flatMap((a) => a.lines.map((l) => l.id));
  const dirty = new Set<number>();
  /** Per line, what stop-changing events ask of the hours before them (see reachedFrom). */
  const reaches = new Map<string, Reach>();
  let inFlightFrom = Number.POSITIVE_INFINITY;
  let isFlushing = false;
  /** Null until loaded; meanwhile committed records wait in `early` (null when the load failed). */
  let recent: RecentEvents | null = null;
  let early: StoredEventInput[] | null = [];

  /** The last hour looked up: one calendar lookup (~35 us) serves every event of that hour, in every batch. */
  let lookedUp = Number.NaN;
  const hourStart = (ts: number) => (ts >= lookedUp && ts < lookedUp + HOUR_MS ? lookedUp : (lookedUp = localHourStart(tz, ts)));

  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  /**
   * Stored events of [from, to) of `lineIds` (every line when omitted), read one line per turn of
   * the event loop. A line's read holds the corrections and voids published on it, so the lines
   * together hold every edit of the plant, and each line's slice sees them all (see RecentEvents).
   */
  async function readStored(from: number, to: number | undefined, lineIds: readonly string[]): Promise<RecentEvents> {
    const source = new RecentEvents(from);
    // Open-ended reads (`to` undefined) end with a slice that has no upper bound.
    const end = to ?? o.now();
    for (const lineId of lineIds) {
      // A few hours per turn: a line's whole day in one read held the event loop for ~0.7 s at the
      // demo's density (bench:buckets, start), and longer on busier lines.
      let isEmpty = true;
      for (let start = from; ; start += READ_SLICE_MS) {
        if (isEmpty) {
          // Over empty time (a line that was idle, a window reaching far back) jump to the next
          // stored event instead of stepping through it slice by slice.
          const next = await o.storage.listEvents({ lineIds: [lineId], from: start, ...(to === undefined ? {} : { to }), orderBy: 'time', limit: 1 });
          if (next.events.length === 0) break;
          start = Math.max(start, next.events[0]!.correctedTs);
        }
        const isLast = start + READ_SLICE_MS >= end;
        const upTo = isLast ? to : start + READ_SLICE_MS;
        const page = await o.storage.listEvents({ lineIds: [lineId], from: start, ...(upTo === undefined ? {} : { to: upTo }), orderBy: 'time' });
        for (const r of page.events) source.addStored(r);
        isEmpty = page.events.length === 0;
        await nextTurn();
        if (isLast) break;
      }
    }
    return source;
  }

  async function loadRecent(): Promise<void> {
    const w = await readStored(hourStart(o.now()) - RECENT_MS, undefined, allLineIds);
    // A record committed while the lines were read may have been read too.
    for (const r of early ?? []) if (!w.holds(r)) w.addStored(r);
    early = null;
    recent = w;
  }

  /** The events of [from, to) to slice per line: from memory when it holds them, else read from storage. */
  async function sourceFor(from: number, to: number, lineIds?: readonly string[]): Promise<RecentEvents> {
    if (recent?.covers(from)) return recent;
    return readStored(from, to, lineIds ?? allLineIds);
  }

  /**
   * Writes the hours [upsertFrom, to) of `lineIds` (all lines when omitted), one line per turn of
   * the event loop, and returns per line of `pending` how far back its stop-changing events reach.
   */
  async function write(upsertFrom: number, to: number, pending: ReadonlyMap<string, Reach>, monitoring: Monitoring | undefined, lineIds?: readonly string[]): Promise<Map<string, number>> {
    const now = o.now();
    const from = Math.max(0, upsertFrom - LOOKBACK_MS);
    // Events after the hours too: the end or reason of a stop that began in them may come later.
    const until = to + LOOKBACK_MS;
    const source = await sourceFor(from, until, lineIds);
    const rows: HourlyBucket[] = [];
    const reached = new Map<string, number>();
    for (const lineId of lineIds ?? allLineIds) {
      const events = source.slice(lineId, from, until);
      rows.push(...hourlyBuckets(o.plant, events, { upsertFrom, to, now, lineIds: [lineId], ...(monitoring ? { monitoring } : {}) }));
      const reach = pending.get(lineId);
      if (reach) for (const [line, ts] of reachedFrom(o.plant, events, new Map([[lineId, reach]]), now)) reached.set(line, ts);
      await nextTurn();
    }
    if (rows.length) await o.storage.upsertHourlyBuckets(rows);
    return reached;
  }

  async function flush(): Promise<void> {
    if (isFlushing || dirty.size === 0) return;
    isFlushing = true;
    try {
      // Once per flush, for every line: the run log and first-event times come from storage.
      const monitoring = await o.monitoring?.(allLineIds);
      recent?.trim(hourStart(o.now()) - RECENT_MS);
      const hours = [...dirty].sort((a, b) => a - b);
      const pending = new Map(reaches);
      dirty.clear();
      reaches.clear();
      inFlightFrom = Math.min(hours[0]!, ...[...pending.values()].map((r) => r.hour - LOOKBACK_MS));
      /** Per line, the earliest hour a stop-changing event reaches back to, before the run that held it. */
      const back = new Map<string, { from: number; to: number }>();
      // Consecutive hours are written in one engine run.
      let runStart = hours[0]!;
      let prev = runStart;
      for (const h of [...hours.slice(1), Number.POSITIVE_INFINITY]) {
        if (h - prev <= HOUR_MS) {
          prev = h;
          continue;
        }
        const runEnd = prev + HOUR_MS;
        const inRun = new Map([...pending].filter(([, r]) => r.hour >= runStart && r.hour < runEnd));
        for (const [line, ts] of await write(runStart, runEnd, inRun, monitoring)) {
          const from = Math.max(hourStart(ts), runStart - LOOKBACK_MS);
          if (from < runStart) back.set(line, { from: Math.min(from, back.get(line)?.from ?? from), to: Math.max(runStart, back.get(line)?.to ?? runStart) });
        }
        runStart = prev = h;
      }
      // An event that ends, classifies, splits or corrects a stop changes the hours the stop began
      // in too: those are written again (a stop that began more than a day earlier is not followed).
      if (back.size > 0) {
        const spans = [...back.values()];
        await write(Math.min(...spans.map((b) => b.from)), Math.max(...spans.map((b) => b.to)), new Map(), monitoring, [...back.keys()]);
      }
    } catch (error) {
      o.log('hourly buckets failed', { error: (error as Error).message, details: (error as { details?: unknown }).details });
    } finally {
      inFlightFrom = Number.POSITIVE_INFINITY;
      isFlushing = false;
    }
  }

  const start = hourStart(o.now());
  for (let i = 0; i <= BACKFILL_HOURS; i++) dirty.add(start - i * HOUR_MS);
  let lastHour = start;
  const timer = setInterval(() => {
    // The hour that just ended is written once more, complete.
    const h = hourStart(o.now());
    if (h !== lastHour) dirty.add(lastHour);
    lastHour = h;
    dirty.add(h);
    void flush();
  }, o.flushMs ?? 60_000);
  timer.unref();
  loadRecent().catch((error: unknown) => {
    early = null;
    o.log('hourly buckets: recent events not loaded, every write reads storage', { error: (error as Error).message });
  });
  void flush();

  return {
    touch(records) {
      if (recent) {
        // A batch may hold two copies of one event (both reported stored): the engine must see one.
        const seen = records.length > 1 ? new Set<string>() : null;
        for (const r of records) {
          if (seen?.has(r.event.id)) continue;
          seen?.add(r.event.id);
          recent.addStored(r);
        }
      } else early?.push(...records);
      for (const r of records) {
        const from = hourStart(r.correctedTs);
        dirty.add(from);
        if (POINT_EVENTS.has(r.event.type)) continue;
        const line = r.event.lineId;
        const reach = reaches.get(line) ?? reaches.set(line, { hour: from, refs: new Set() }).get(line)!;
        reach.hour = Math.min(reach.hour, from);
        for (const ref of refsOf(r.event)) reach.refs.add(ref);
      }
    },
    flush,
    // A loop, not Math.min(...dirty): late events may mark more hours than a spread takes arguments.
    staleFrom: () => {
      let from = inFlightFrom;
      for (const h of dirty) from = Math.min(from, h);
      for (const r of reaches.values()) from = Math.min(from, r.hour - LOOKBACK_MS);
      return from;
    },
    stop: () => clearInterval(timer),
  };
}
