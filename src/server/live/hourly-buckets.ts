import type { FloorEvent, OeeFigures, Plant } from '../../core/index.ts';
import { localBoundaries } from '../../core/oee/calendar.ts';
import { computeOee } from '../../core/oee/engine.ts';
import type { HourlyBucket, Storage, StoredEventInput } from '../storage/storage.ts';

const HOUR_MS = 3600_000;
/** Events this long before an hour still shape it (a stop open at its start). */
const LOOKBACK_MS = 24 * HOUR_MS;
/** Hours filled at start, so a fresh service has history buckets for the last two days. */
const BACKFILL_HOURS = 48;

/** The additive part of an engine figure: what a bucket stores. */
export function bucketOf(lineId: string, start: number, f: OeeFigures): HourlyBucket {
  return {
    lineId,
    start,
    allTimeMs: f.allTimeMs,
    plannedMs: f.plannedMs,
    plannedStopMs: f.plannedStopMs,
    stopMs: f.stopMs,
    runMs: f.runMs,
    idealMs: f.idealMs,
    good: f.good,
    reject: f.reject,
    stopCount: f.stopCount,
    minorStopCount: f.minorStopCount,
    lossMs: { ...f.lossMs },
  };
}

export interface BucketWriter {
  /** Marks the hours of freshly committed events for a rewrite. */
  touch(records: readonly StoredEventInput[]): void;
  /** Writes every marked hour now (also runs on its own once a minute). */
  flush(): Promise<void>;
  stop(): void;
}

/**
 * Keeps the hourly buckets (per line, local hours of the plant calendar) in step with the events:
 * computed by the core engine, so they agree with every other screen. Completed hours are
 * rewritten when a late event touches them; the current hour is rewritten as it fills.
 */
export function startBucketWriter(o: { storage: Storage; plant: Plant; now: () => number; log: (m: string, f?: Record<string, unknown>) => void; flushMs?: number }): BucketWriter {
  const tz = o.plant.calendar.timezone;
  const dirty = new Set<number>();
  let isFlushing = false;

  const hourStart = (ts: number) => {
    const b = localBoundaries(tz, ts, ts + 1, 'hour');
    return b[0] ?? ts - (ts % HOUR_MS);
  };

  async function write(from: number, to: number): Promise<void> {
    const now = o.now();
    const page = await o.storage.listEvents({ from: Math.max(0, from - LOOKBACK_MS), to, orderBy: 'time' });
    const events: FloorEvent[] = page.events.map((r) => ({ ...r.event, ts: r.correctedTs }));
    const report = computeOee(o.plant, events, { from, to: Math.min(to, Math.max(from, now)), now, by: 'hour' });
    const rows = report.lines.flatMap((l) => l.buckets.map((b) => bucketOf(l.id, b.start, b)));
    if (rows.length) await o.storage.upsertHourlyBuckets(rows);
  }

  async function flush(): Promise<void> {
    if (isFlushing || dirty.size === 0) return;
    isFlushing = true;
    try {
      const hours = [...dirty].sort((a, b) => a - b);
      dirty.clear();
      // Consecutive hours are written in one engine run.
      let runStart = hours[0]!;
      let prev = runStart;
      for (const h of [...hours.slice(1), Number.POSITIVE_INFINITY]) {
        if (h - prev <= HOUR_MS) {
          prev = h;
          continue;
        }
        await write(runStart, prev + HOUR_MS);
        runStart = prev = h;
      }
    } catch (error) {
      o.log('hourly buckets failed', { error: (error as Error).message });
    } finally {
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
  void flush();

  return {
    touch(records) {
      // Local hours are whole real hours, so one calendar lookup serves every event of the same hour
      // (per event it cost ~35 us, the largest share of ingest time in bench:ingest).
      let from = Number.NaN;
      for (const r of records) {
        if (!(r.correctedTs >= from && r.correctedTs < from + HOUR_MS)) dirty.add((from = hourStart(r.correctedTs)));
      }
    },
    flush,
    stop: () => clearInterval(timer),
  };
}
