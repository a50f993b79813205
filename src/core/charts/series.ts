import { localDateOf, localInstant } from '../oee/calendar.ts';
import { qualityOf } from '../oee/figures.ts';

/** The fields of an OEE bucket (GET /api/oee) the charts need; summed, never averaged. */
export interface BucketSums {
  start: number;
  end: number;
  plannedMs: number;
  runMs: number;
  idealMs: number;
  good: number;
  total: number;
  /** Time nobody saw and scheduled planned time with it (ADR 0009); absent means fully monitored. */
  noDataMs?: number;
  scheduledMs?: number;
}

/** Monitored coverage of summed figures: monitored / scheduled planned time; null when nothing was scheduled. */
export function coverageOf(b: { noDataMs?: number; scheduledMs?: number; plannedMs: number }): number | null {
  const scheduled = b.scheduledMs ?? b.plannedMs;
  return scheduled > 0 ? (scheduled - (b.noDataMs ?? 0)) / scheduled : null;
}

/** A, P, Q and OEE of summed figures (docs/oee.md: roll-ups from sums, zero planned time has no OEE). */
export function ratiosOf(b: Omit<BucketSums, 'start' | 'end'>): { availability: number | null; performance: number | null; quality: number | null; oee: number | null } {
  // Nothing seen (no data booked as a stop leaves planned time): a gap, never 0 % (ADR 0009).
  if (b.plannedMs <= 0 || coverageOf(b) === 0) return { availability: null, performance: null, quality: null, oee: null };
  const availability = b.runMs / b.plannedMs;
  const performance = b.runMs > 0 ? b.idealMs / b.runMs : null;
  const quality = qualityOf(b.good, b.total);
  const oee = performance === null || quality === null ? 0 : availability * performance * quality;
  return { availability, performance, quality, oee };
}

const pct = (r: number | null) => (r === null ? null : r * 100);

/** uPlot-ready columns: x in seconds, then one column per series (percent, null = gap). */
export type Columns = [Float64Array, ...(Float64Array | (number | null)[])[]];

/** A, P, Q and OEE per bucket, in percent: the line view's history chart. */
export function apqSeries(buckets: readonly BucketSums[]): Columns {
  const n = buckets.length;
  const x = new Float64Array(n);
  const cols: (number | null)[][] = [[], [], [], []];
  for (let i = 0; i < n; i++) {
    const b = buckets[i]!;
    x[i] = b.start / 1000;
    const r = ratiosOf(b);
    cols[0]!.push(pct(r.oee));
    cols[1]!.push(pct(r.availability));
    cols[2]!.push(pct(r.performance));
    cols[3]!.push(pct(r.quality));
  }
  return [x, ...cols];
}

/**
 * Hourly good parts vs target, plus both cumulated: bars and lines of the lead's production chart.
 * Target per hour = planned time in the hour x target OEE / ideal cycle time (see board.targetGood).
 */
export function hourlyProduction(buckets: readonly BucketSums[], targetOee: number, cycleMs: number): Columns {
  const n = buckets.length;
  const [x, good, target, cumGood, cumTarget] = [0, 0, 0, 0, 0].map(() => new Float64Array(n)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  let g = 0;
  let t = 0;
  for (let i = 0; i < n; i++) {
    const b = buckets[i]!;
    x[i] = b.start / 1000;
    good[i] = b.good;
    target[i] = cycleMs > 0 ? (b.plannedMs * targetOee) / cycleMs : 0;
    g += good[i]!;
    t += target[i]!;
    cumGood[i] = g;
    cumTarget[i] = t;
  }
  return [x, good, target, cumGood, cumTarget];
}

/** Local Monday 00:00 of the week holding `ts`. */
export function weekStart(ts: number, tz: string): number {
  const d = localDateOf(ts, tz);
  const back = (d.weekday + 6) % 7; // getDay: 0 = Sunday
  return localInstant({ y: d.y, m: d.m, d: d.d - back }, 0, tz);
}

/** Sums day buckets into weeks (local Monday start), keeping the sums so ratios stay correct. */
export function toWeeks(days: readonly BucketSums[], tz: string): BucketSums[] {
  const weeks = new Map<number, BucketSums>();
  for (const d of days) {
    const key = weekStart(d.start, tz);
    const w = weeks.get(key);
    if (!w) weeks.set(key, { ...d, start: key, noDataMs: d.noDataMs ?? 0, scheduledMs: d.scheduledMs ?? d.plannedMs });
    else {
      w.end = Math.max(w.end, d.end);
      w.plannedMs += d.plannedMs;
      w.runMs += d.runMs;
      w.idealMs += d.idealMs;
      w.good += d.good;
      w.total += d.total;
      w.noDataMs = (w.noDataMs ?? 0) + (d.noDataMs ?? 0);
      w.scheduledMs = (w.scheduledMs ?? 0) + (d.scheduledMs ?? d.plannedMs);
    }
  }
  return [...weeks.values()].sort((a, b) => a.start - b.start);
}

/**
 * OEE per line on one shared x axis (bucket starts of every line, unioned): the trends chart.
 * A line without a bucket at some x, or without planned time there, gets a gap (null).
 */
export function oeeByLine(lines: readonly { lineId: string; buckets: readonly BucketSums[] }[]): { lineIds: string[]; columns: Columns } {
  const xs = [...new Set(lines.flatMap((l) => l.buckets.map((b) => b.start)))].sort((a, b) => a - b);
  const pos = new Map(xs.map((x, i) => [x, i]));
  const cols = lines.map((l) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    for (const b of l.buckets) col[pos.get(b.start)!] = pct(ratiosOf(b).oee);
    return col;
  });
  return { lineIds: lines.map((l) => l.lineId), columns: [Float64Array.from(xs, (x) => x / 1000), ...cols] };
}

/** One row per line of a comparison over a window: totals summed, ratios from the sums. */
export function compareLines(lines: readonly { lineId: string; buckets: readonly BucketSums[] }[]) {
  return lines.map((l) => {
    const sum = l.buckets.reduce(
      (s, b) => ({
        plannedMs: s.plannedMs + b.plannedMs,
        runMs: s.runMs + b.runMs,
        idealMs: s.idealMs + b.idealMs,
        good: s.good + b.good,
        total: s.total + b.total,
        noDataMs: s.noDataMs + (b.noDataMs ?? 0),
        scheduledMs: s.scheduledMs + (b.scheduledMs ?? b.plannedMs),
      }),
      { plannedMs: 0, runMs: 0, idealMs: 0, good: 0, total: 0, noDataMs: 0, scheduledMs: 0 },
    );
    return { lineId: l.lineId, ...sum, ...ratiosOf(sum), coverage: coverageOf(sum) };
  });
}
