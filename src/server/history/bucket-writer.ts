import type { Plant } from '../../core/index.ts';
import { localHourStart } from '../../core/oee/calendar.ts';
import type { Monitoring } from '../../core/oee/no-data.ts';
import type { HourlyBucket, Storage, StoredEventInput, WriteFence } from '../storage/storage.ts';
import { consecutiveRuns, DirtyHours } from './dirty-hours.ts';
import { BACKFILL_HOURS, HOUR_MS, hourlyBuckets, LOOKBACK_MS, reachedFrom, RECENT_MS, type Reach } from './hourly-buckets.ts';
import type { RecentEvents } from './recent-events.ts';
import { CarriedState } from './carried-state.ts';
import { nextTurn, readStoredSlices } from './stored-slices.ts';

export interface BucketWriter {
  /** Marks the hours of freshly committed events for a rewrite. */
  touch(records: readonly StoredEventInput[]): void;
  /** Writes every marked hour now (also runs on its own once a minute). */
  flush(): Promise<void>;
  /** Start of the earliest hour that is marked or being written: buckets from there on may be stale. */
  staleFrom(): number;
  /** A new plant version: the hours written from now on are computed with it. */
  setPlant(plant: Plant): void;
  stop(): void;
}

export interface BucketWriterOptions {
  storage: Storage;
  plant: Plant;
  now: () => number;
  log: (m: string, f?: Record<string, unknown>) => void;
  flushMs?: number;
  /** What the engine cannot see in the events (run-log.ts, ADR 0009). */
  monitoring?: (lineIds: readonly string[]) => Promise<Monitoring>;
  /** A cluster leader's: its bucket writes land only while it still leads (storage.ts). */
  fence?: WriteFence;
  /**
   * The storage sequence through which every commit has been handed to `touch` (a cluster
   * leader's commit feed, 0 while commits are held back during its start). Absent: every commit
   * is handed over as it is made (a single service's ingest), after its parts have loaded.
   */
  handedThrough?: () => number;
}

/** Events read per page when the hours a crash left unwritten are looked for at start. */
const REPLAY_PAGE = 5000;

/**
 * Keeps the hourly buckets (per line, local hours of the plant calendar) in step with the events:
 * computed by the core engine, so they agree with every other screen. Completed hours are
 * rewritten when a late event touches them; the current hour is rewritten as it fills.
 *
 * The minute flush reads no storage: the writer holds the recent events in memory (RecentEvents,
 * loaded once at start, then fed by `touch`) and writes one line at a time, yielding to the event
 * loop between lines, so live status, OEE and ingest never wait for more than one line's engine
 * run. Storage is read only for hours the memory does not reach back to (the backfill at start,
 * a late event or a stop more than about a day old), and then one line per turn too, and for each
 * line's state before a run's events (however old: a stop open since the weekend), once an hour
 * for the minute flush (carried-state.ts).
 *
 * Nothing committed is left out of the buckets by a crash: the storage mark `buckets` says through
 * which storage sequence every event is written, and a writer starting (a restart, a new cluster
 * leader) marks again the hours of the events stored after it that its start-up backfill does not
 * reach. The mark is raised at the end of a flush that wrote everything it took, to the sequence
 * read at the start of the flush before: commits up to it were handed to `touch` (ingest does on
 * commit, a leader's commit feed within its next look) long before this flush took its hours.
 * A flush that fails puts its hours back.
 */
export function startBucketWriter(o: BucketWriterOptions): BucketWriter {
  // A new plant version (setPlant) applies to the hours written from then on; written hours stay as they are.
  let plant = o.plant;
  let tz = plant.calendar.timezone;
  let allLineIds = plant.areas.flatMap((a) => a.lines.map((l) => l.id));
  const dirty = new DirtyHours();
  let isFlushing = false;
  /** The last hour looked up: one calendar lookup (costly next to an event's fold) serves every event of that hour, in every batch. */
  let lookedUp = Number.NaN;
  const hourStart = (ts: number) => (ts >= lookedUp && ts < lookedUp + HOUR_MS ? lookedUp : (lookedUp = localHourStart(tz, ts)));
  const memory = new RecentMemory();
  const carriedState = new CarriedState(o.storage);

  /** The events of [from, to) to slice per line: from memory when it holds them, else read from storage. */
  async function sourceFor(from: number, to: number, lineIds: readonly string[]): Promise<RecentEvents> {
    return memory.covering(from) ?? readStoredSlices(o.storage, from, to, lineIds, o.now());
  }

  /**
   * Writes the hours [upsertFrom, to) of `lineIds`, one line per turn of the event loop, and
   * returns per line of `pending` how far back its stop-changing events reach.
   */
  async function write(upsertFrom: number, to: number, pending: ReadonlyMap<string, Reach>, monitoring: Monitoring | undefined, lineIds: readonly string[] = allLineIds): Promise<Map<string, number>> {
    const now = o.now();
    const from = Math.max(0, upsertFrom - LOOKBACK_MS);
    // Events after the hours too: the end or reason of a stop that began in them may come later.
    const until = to + LOOKBACK_MS;
    const source = await sourceFor(from, until, lineIds);
    const carried = await carriedState.of(lineIds, from);
    const rows: HourlyBucket[] = [];
    const reached = new Map<string, number>();
    for (const lineId of lineIds) {
      const before = carried.get(lineId) ?? [];
      const events = before.length ? [...before, ...source.slice(lineId, from, until)] : source.slice(lineId, from, until);
      rows.push(...hourlyBuckets(plant, events, { upsertFrom, to, now, lineIds: [lineId], ...(monitoring ? { monitoring } : {}) }));
      const reach = pending.get(lineId);
      if (reach) for (const [line, ts] of reachedFrom(plant, events, new Map([[lineId, reach]]), now)) reached.set(line, ts);
      await nextTurn();
    }
    if (rows.length) await o.storage.upsertHourlyBuckets(rows, o.fence);
    return reached;
  }

  /** Per line, its first stored event as the last flush knew it (null before the first flush). */
  let knownFirsts: ReadonlyMap<string, number> | null = null;
  /**
   * A line's first event decides when its monitoring began (ADR 0009): hours after it are planned
   * time, hours before it no data. When history older than anything stored arrives (an import, a
   * backfill), the hours from it to the old first event (or now) change although no event lands in
   * them: they are written again.
   */
  function markEarlierFirsts(firsts: ReadonlyMap<string, number> | undefined): void {
    if (!firsts) return;
    if (knownFirsts) {
      for (const [line, at] of firsts) {
        const before = knownFirsts.get(line);
        if (before !== undefined && at >= before) continue;
        const until = hourStart(before ?? o.now());
        for (let h = hourStart(at); h <= until; h = hourStart(h + HOUR_MS)) dirty.add(h);
      }
    }
    knownFirsts = new Map(firsts);
  }

  /** The storage sequence read at the start of the last flush: the mark the next flush raises if it writes all it took. */
  let readAtLastFlush: number | null = null;

  async function flush(): Promise<void> {
    // Until the events stored after the mark are marked again, no flush raises it (tried again here if the start's look failed).
    if (!isFlushing && !isReplayed) await replay();
    if (isFlushing || dirty.isEmpty) return;
    isFlushing = true;
    let taken: ReturnType<DirtyHours['take']> | null = null;
    try {
      const markable = isReplayed ? readAtLastFlush : null;
      readAtLastFlush = isReplayed ? Math.min(await o.storage.lastStorageSeq(), o.handedThrough?.() ?? Number.POSITIVE_INFINITY) : null;
      // Once per flush, for every line: the run log and first-event times come from storage.
      const monitoring = await o.monitoring?.(allLineIds);
      markEarlierFirsts(monitoring?.firstEventAt);
      memory.trim(hourStart(o.now()) - RECENT_MS);
      taken = dirty.take();
      const { hours, pending } = taken;
      /** Per line, the earliest hour a stop-changing event reaches back to, before the run that held it. */
      const back = new Map<string, { from: number; to: number }>();
      // Consecutive hours are written in one engine run.
      for (const run of consecutiveRuns(hours)) {
        const inRun = new Map([...pending].filter(([, r]) => r.hour >= run.start && r.hour < run.end));
        for (const [line, ts] of await write(run.start, run.end, inRun, monitoring)) {
          const from = hourStart(ts);
          if (from < run.start) back.set(line, { from: Math.min(from, back.get(line)?.from ?? from), to: Math.max(run.start, back.get(line)?.to ?? run.start) });
        }
      }
      // An event that ends, classifies, splits or corrects a stop changes the hours the stop began
      // in too: those are written again, however long ago a stop it names began (reachedFrom).
      if (back.size > 0) {
        const spans = [...back.values()];
        const from = Math.min(...spans.map((b) => b.from));
        dirty.writing(from);
        await write(from, Math.max(...spans.map((b) => b.to)), new Map(), monitoring, [...back.keys()]);
      }
      taken = null;
      if (markable !== null) await o.storage.raiseMark('buckets', markable, o.fence);
    } catch (error) {
      // Written again by the next flush (a database back, a lease lost: then the process stops).
      if (taken) dirty.putBack(taken);
      o.log('hourly buckets failed', { error: (error as Error).message, details: (error as { details?: unknown }).details });
    } finally {
      dirty.done();
      isFlushing = false;
    }
  }

  const start = hourStart(o.now());
  for (let i = 0; i <= BACKFILL_HOURS; i++) dirty.add(start - i * HOUR_MS);

  /**
   * The hours of events stored after the mark that the backfill above does not write: an event
   * of last week that arrived late, committed just before a crash that came before its flush.
   * Events up to a day after the backfill's first hour are read too: a stop they end or classify
   * may have begun before it.
   */
  async function markUnwritten(): Promise<void> {
    const mark = await o.storage.readMark('buckets');
    if (mark === null) return;
    const to = start - BACKFILL_HOURS * HOUR_MS + LOOKBACK_MS;
    let after = mark;
    let marked = 0;
    for (;;) {
      const page = await o.storage.listEvents({ afterSeq: after, to, orderBy: 'seq', limit: REPLAY_PAGE });
      dirty.mark(page.events, hourStart, start);
      marked += page.events.length;
      if (page.lastSeq === null || page.events.length + page.unreadable.length < REPLAY_PAGE) break;
      after = page.lastSeq;
      await nextTurn();
    }
    if (marked > 0) o.log('hourly buckets: writing again the hours of events stored after the last flush', { events: marked, afterSeq: mark });
  }
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
  memory.load(() => readStoredSlices(o.storage, hourStart(o.now()) - RECENT_MS, undefined, allLineIds, o.now())).catch((error: unknown) => {
    o.log('hourly buckets: recent events not loaded, every write reads storage', { error: (error as Error).message });
  });
  /** Whether the events stored after the mark are marked again: until then no hour before the backfill is trusted, and the mark stays. */
  let isReplayed = false;
  let replaying: Promise<void> | null = null;
  const replay = () =>
    (replaying ??= markUnwritten().then(
      () => {
        isReplayed = true;
      },
      (error: unknown) => {
        replaying = null;
        o.log('hourly buckets: events stored after the last flush not read; tried again at the next flush', { error: (error as Error).message });
      },
    ));
  void replay().then(flush);

  return {
    touch(records) {
      memory.add(records);
      carriedState.touch(records);
      dirty.mark(records, hourStart, hourStart(o.now()));
    },
    flush,
    setPlant(next) {
      plant = next;
      tz = next.calendar.timezone;
      allLineIds = next.areas.flatMap((a) => a.lines.map((l) => l.id));
      lookedUp = Number.NaN;
    },
    staleFrom: () => (isReplayed ? dirty.staleFrom() : Number.NEGATIVE_INFINITY),
    stop: () => clearInterval(timer),
  };
}

/**
 * The recent events in memory: null until loaded, while committed records wait to be added once
 * the load is done (and are dropped, with every write reading storage, if the load failed).
 */
class RecentMemory {
  #recent: RecentEvents | null = null;
  #early: StoredEventInput[] | null = [];

  async load(read: () => Promise<RecentEvents>): Promise<void> {
    try {
      const w = await read();
      // A record committed while the lines were read may have been read too. All are looked up
      // before any is added: an added late record leaves its line to be sorted again at the next
      // lookup, and tens of thousands of them (a new cluster leader's, under load) sorted a
      // 100,000-event line once each, holding the event loop for 10-20 s.
      const missing = new Map<string, StoredEventInput>();
      for (const r of this.#early ?? []) if (!missing.has(r.event.id) && !w.holds(r)) missing.set(r.event.id, r);
      for (const r of missing.values()) w.addStored(r);
      this.#recent = w;
    } finally {
      this.#early = null;
    }
  }

  covering(from: number): RecentEvents | null {
    return this.#recent?.covers(from) ? this.#recent : null;
  }

  trim(before: number): void {
    this.#recent?.trim(before);
  }

  add(records: readonly StoredEventInput[]): void {
    if (!this.#recent) {
      this.#early?.push(...records);
      return;
    }
    // A batch may hold two copies of one event (both reported stored): the engine must see one.
    const seen = records.length > 1 ? new Set<string>() : null;
    for (const r of records) {
      if (seen?.has(r.event.id)) continue;
      seen?.add(r.event.id);
      this.#recent.addStored(r);
    }
  }
}
