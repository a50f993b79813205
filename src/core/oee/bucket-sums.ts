import type { Plant } from '../plant.schema.ts';
import type { BigLoss, OeeFigures, OeeQuery, OeeReport, ReasonLoss } from './report.ts';
import { addRaw, addReason, emptyRaw, finalize, type RawFigures } from './figures.ts';
import type { LineRaw } from './line-figures.ts';
import { bucketOf, buildPlan } from './plan.ts';
import { selectLines } from './query.schema.ts';
import { buildReport } from './rollup.ts';

/** The additive part of OeeFigures that a pre-aggregated (hourly) bucket keeps. */
export type FigureSums = Pick<
  OeeFigures,
  'allTimeMs' | 'plannedMs' | 'scheduledMs' | 'noDataMs' | 'plannedStopMs' | 'stopMs' | 'runMs' | 'idealMs' | 'good' | 'reject' | 'stopCount' | 'minorStopCount' | 'lossMs'
>;

/** The additive part of one figure (a copy: a bucket must not share the figure's loss table). */
export function sumsOf(f: FigureSums): FigureSums {
  return {
    allTimeMs: f.allTimeMs,
    plannedMs: f.plannedMs,
    scheduledMs: f.scheduledMs,
    noDataMs: f.noDataMs,
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

/**
 * Undoes `derive` for one bucket. The only non-additive loss is reduced speed: its speed part is
 * max(0, run - ideal - minor) per bucket, which must be taken again over the sum, not summed.
 * Minor-stop time is never booked as a stop loss, so lossMs['minor-stop'] is all minor-stop time.
 */
function rawOf(s: FigureSums): RawFigures {
  const raw = emptyRaw(s.allTimeMs);
  const minorMs = s.lossMs['minor-stop'];
  const speedMs = Math.max(0, s.runMs - s.idealMs - minorMs);
  raw.baseMs = s.plannedMs + s.plannedStopMs;
  raw.plannedStopMs = s.plannedStopMs;
  raw.noDataMs = s.noDataMs;
  // No-data time left out of planned time is what scheduled time has beyond it.
  raw.noDataExcludedMs = s.scheduledMs - s.plannedMs;
  raw.stopMs = s.stopMs;
  raw.minorMs = minorMs;
  raw.idealMs = s.idealMs;
  raw.good = s.good;
  raw.reject = s.reject;
  raw.stopCount = s.stopCount;
  raw.minorStopCount = s.minorStopCount;
  // Quality losses go whole into the stop-loss slot: derive only ever adds the two parts.
  const sl: Record<BigLoss, number> = raw.stopLossMs;
  sl.breakdown = s.lossMs.breakdown;
  sl.setup = s.lossMs.setup;
  sl['reduced-speed'] = s.lossMs['reduced-speed'] - speedMs;
  sl['process-defect'] = s.lossMs['process-defect'];
  sl['reduced-yield'] = s.lossMs['reduced-yield'];
  return raw;
}

/**
 * Figures of a span from the sums of its buckets, derived by the engine's own `finalize` (ratios
 * from summed times and counts, never averaged). Buckets carry no reason tallies and no breakdown
 * count, so `topReasons` is empty and `mtbfMs`/`mttrMs` are null: callers needing those must not
 * use buckets alone.
 */
export function figuresFromSums(rows: readonly FigureSums[]): OeeFigures {
  const total = emptyRaw();
  for (const r of rows) addRaw(total, rawOf(r));
  return finalize(total);
}

/**
 * What an hourly bucket keeps beyond FigureSums so that any window of whole hours gives the same
 * report as the raw events: the breakdown count (MTBF, MTTR) and every reason tally, not only the
 * top five. A stop is counted in the hour of its first planned time, as the engine counts it.
 */
export interface HourSums extends FigureSums {
  start: number;
  breakdownCount: number;
  reasons: ReasonLoss[];
}

/** One hour's raw engine figures as a bucket's sums. */
export function hourSumsOf(start: number, raw: RawFigures): HourSums {
  return {
    start,
    ...sumsOf(finalize(raw, true)),
    breakdownCount: raw.breakdownCount,
    reasons: [...raw.reasons.values()].map((r) => ({ ...r })),
  };
}

/** Back to raw figures, reason tallies and breakdown count included. */
export function rawOfHour(h: HourSums): RawFigures {
  const raw = rawOf(h);
  raw.breakdownCount = h.breakdownCount;
  for (const r of h.reasons) addReason(raw, `${r.loss}|${r.reasonId ?? ''}`, r.reasonId, r.loss, r.durationMs, r.count);
  return raw;
}

/** Figures of a span from full hourly sums, reason tallies and MTBF/MTTR included. */
export function figuresFromHours(rows: readonly HourSums[]): OeeFigures {
  const total = emptyRaw();
  for (const r of rows) addRaw(total, rawOfHour(r));
  return finalize(total);
}

/**
 * The report of `query` from the raw figures of every (partial) hour of its window, per line:
 * summed into the query's buckets and totals, then derived by the engine's own roll-up and
 * finalize. Exact when every hour lies inside one bucket of the query (hour, day, window, and
 * shift when shifts start and end on full hours) and no hour is missing.
 */
export function reportFromHours(plant: Plant, query: OeeQuery, hours: ReadonlyMap<string, readonly { start: number; raw: RawFigures }[]>): OeeReport {
  const lines = selectLines(plant, query);
  const plan = buildPlan(plant.calendar, query.from, query.to, query.by);
  const raws: LineRaw[] = lines.map((l) => {
    const out: LineRaw = { buckets: plan.buckets.map(() => emptyRaw()), total: emptyRaw() };
    for (const h of hours.get(l.line.id) ?? []) {
      addRaw(out.total, h.raw);
      // The first hour may start before the window (only its part inside was summed).
      const i = bucketOf(plan.buckets, Math.max(h.start, query.from));
      if (i >= 0) addRaw(out.buckets[i] as RawFigures, h.raw);
    }
    return out;
  });
  return buildReport(plant.site.id, query, plan, lines, raws);
}
