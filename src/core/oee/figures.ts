import type { BigLoss, OeeFigures, ReasonLoss } from './report.ts';

export const bigLosses: readonly BigLoss[] = ['breakdown', 'setup', 'minor-stop', 'reduced-speed', 'process-defect', 'reduced-yield'];
const TOP_REASONS = 5;

/** Summable times and counts for one scope and bucket; ratios are only ever derived from these. */
export interface RawFigures {
  allTimeMs: number;
  /** Shift time minus breaks. */
  baseMs: number;
  plannedStopMs: number;
  stopMs: number;
  minorMs: number;
  idealMs: number;
  good: number;
  reject: number;
  /** Reject ideal time, ms, by quality loss. */
  defectMs: number;
  startupMs: number;
  /** Unplanned stop time by the loss it is booked to (minor stops excluded). */
  stopLossMs: Record<BigLoss, number>;
  stopCount: number;
  minorStopCount: number;
  breakdownCount: number;
  /** Keyed by `${loss}|${reasonId}`. */
  reasons: Map<string, ReasonLoss>;
}

export function emptyRaw(allTimeMs = 0): RawFigures {
  return {
    allTimeMs,
    baseMs: 0,
    plannedStopMs: 0,
    stopMs: 0,
    minorMs: 0,
    idealMs: 0,
    good: 0,
    reject: 0,
    defectMs: 0,
    startupMs: 0,
    stopLossMs: { breakdown: 0, setup: 0, 'minor-stop': 0, 'reduced-speed': 0, 'process-defect': 0, 'reduced-yield': 0 },
    stopCount: 0,
    minorStopCount: 0,
    breakdownCount: 0,
    reasons: new Map(),
  };
}

/** Books stop time (and optionally one occurrence) to a reason. */
export function addReason(raw: RawFigures, key: string, reasonId: string | null, loss: BigLoss, durationMs: number, count: number): void {
  const r = raw.reasons.get(key);
  if (r) {
    r.durationMs += durationMs;
    r.count += count;
  } else raw.reasons.set(key, { reasonId, loss, durationMs, count });
}

/** Adds `src` into `dst` (roll-ups sum times and counts, never ratios). */
export function addRaw(dst: RawFigures, src: RawFigures): void {
  dst.allTimeMs += src.allTimeMs;
  dst.baseMs += src.baseMs;
  dst.plannedStopMs += src.plannedStopMs;
  dst.stopMs += src.stopMs;
  dst.minorMs += src.minorMs;
  dst.idealMs += src.idealMs;
  dst.good += src.good;
  dst.reject += src.reject;
  dst.defectMs += src.defectMs;
  dst.startupMs += src.startupMs;
  for (const l of bigLosses) dst.stopLossMs[l] += src.stopLossMs[l];
  dst.stopCount += src.stopCount;
  dst.minorStopCount += src.minorStopCount;
  dst.breakdownCount += src.breakdownCount;
  for (const [key, r] of src.reasons) addReason(dst, key, r.reasonId, r.loss, r.durationMs, r.count);
}

const byDuration = (a: ReasonLoss, b: ReasonLoss) =>
  b.durationMs - a.durationMs || b.count - a.count || a.loss.localeCompare(b.loss) || (a.reasonId ?? '').localeCompare(b.reasonId ?? '');

/** Derives every figure, ratio and flag from summed times and counts. */
export function finalize(raw: RawFigures): OeeFigures {
  const plannedMs = raw.baseMs - raw.plannedStopMs;
  const runMs = plannedMs - raw.stopMs;
  const total = raw.good + raw.reject;
  const isScheduled = plannedMs > 0;
  const lossMs = { ...raw.stopLossMs };
  lossMs['minor-stop'] += raw.minorMs;
  lossMs['reduced-speed'] += Math.max(0, runMs - raw.idealMs - raw.minorMs);
  lossMs['process-defect'] += raw.defectMs;
  lossMs['reduced-yield'] += raw.startupMs;
  let availability: number | null = null;
  let performance: number | null = null;
  let quality: number | null = null;
  let oee: number | null = null;
  let utilization: number | null = null;
  let teep: number | null = null;
  if (isScheduled) {
    availability = runMs / plannedMs;
    performance = runMs > 0 ? raw.idealMs / runMs : null;
    quality = total > 0 ? raw.good / total : null;
    // Nothing run or nothing made means nothing good made: OEE is 0, not unknown.
    oee = performance !== null && quality !== null ? availability * performance * quality : 0;
    utilization = raw.allTimeMs > 0 ? plannedMs / raw.allTimeMs : null;
    teep = utilization !== null ? oee * utilization : null;
  }
  // Raw figures are made per report and never reused, so their tallies can be handed out as they are.
  const topReasons = [...raw.reasons.values()].sort(byDuration).slice(0, TOP_REASONS);
  return {
    allTimeMs: raw.allTimeMs,
    plannedMs,
    plannedStopMs: raw.plannedStopMs,
    stopMs: raw.stopMs,
    runMs,
    idealMs: raw.idealMs,
    availability,
    performance,
    quality,
    oee,
    utilization,
    teep,
    isScheduled,
    isPerformanceOverLimit: performance !== null && performance > 1,
    lossMs,
    stopCount: raw.stopCount,
    minorStopCount: raw.minorStopCount,
    mtbfMs: raw.breakdownCount > 0 ? runMs / raw.breakdownCount : null,
    mttrMs: raw.breakdownCount > 0 ? raw.stopLossMs.breakdown / raw.breakdownCount : null,
    good: raw.good,
    reject: raw.reject,
    total,
    topReasons,
  };
}
