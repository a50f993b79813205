import type { HourlyBucket } from '../storage/storage.ts';

type Sums = Omit<HourlyBucket, 'lineId' | 'start'>;

/**
 * Sums hourly buckets and derives the ratios the way the core engine's `finalize` does: from
 * summed times and counts, never by averaging percentages.
 */
export function rollupBuckets(rows: readonly HourlyBucket[]) {
  const sum: Sums = {
    allTimeMs: 0,
    plannedMs: 0,
    plannedStopMs: 0,
    stopMs: 0,
    runMs: 0,
    idealMs: 0,
    good: 0,
    reject: 0,
    stopCount: 0,
    minorStopCount: 0,
    lossMs: { breakdown: 0, setup: 0, 'minor-stop': 0, 'reduced-speed': 0, 'process-defect': 0, 'reduced-yield': 0 },
  };
  for (const r of rows) {
    for (const k of ['allTimeMs', 'plannedMs', 'plannedStopMs', 'stopMs', 'runMs', 'idealMs', 'good', 'reject', 'stopCount', 'minorStopCount'] as const) sum[k] += r[k];
    for (const l of Object.keys(sum.lossMs) as (keyof Sums['lossMs'])[]) sum.lossMs[l] += r.lossMs[l];
  }
  const total = sum.good + sum.reject;
  const isScheduled = sum.plannedMs > 0;
  const availability = isScheduled ? sum.runMs / sum.plannedMs : null;
  const performance = isScheduled && sum.runMs > 0 ? sum.idealMs / sum.runMs : null;
  const quality = isScheduled && total > 0 ? sum.good / total : null;
  const oee = availability === null ? null : performance !== null && quality !== null ? availability * performance * quality : 0;
  return { ...sum, total, isScheduled, availability, performance, quality, oee, isPerformanceOverLimit: performance !== null && performance > 1 };
}
