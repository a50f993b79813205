import type { BigLoss, OeeFigures } from './report.ts';
import { addRaw, emptyRaw, finalize, type RawFigures } from './figures.ts';

/** The additive part of OeeFigures that a pre-aggregated (hourly) bucket keeps. */
export type FigureSums = Pick<
  OeeFigures,
  'allTimeMs' | 'plannedMs' | 'plannedStopMs' | 'stopMs' | 'runMs' | 'idealMs' | 'good' | 'reject' | 'stopCount' | 'minorStopCount' | 'lossMs'
>;

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
