import type { BigLoss, OeeBucket, OeeFigures, ReasonLoss, ReasonRest } from './report.ts';

const TOP_REASONS = 5;

/** Summable times and counts for one scope and bucket; ratios are only ever derived from these. */
export interface RawFigures {
  allTimeMs: number;
  /** Shift time minus breaks, minus no-data time left out of planned time. */
  baseMs: number;
  /** No-data time inside shift time minus breaks (docs/adr/0009-no-data.md), however it is booked. */
  noDataMs: number;
  /** The part of `noDataMs` left out of planned time (the line's `noData: 'excluded'`). */
  noDataExcludedMs: number;
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

/**
 * A double that is not a small integer. V8 gives an object field the representation of its first
 * value; a field made as 0 (a small integer) is re-made as a double the first time a sum outgrows
 * 2^31 or turns fractional (a year of ideal time does), which threw every function reading these
 * objects out of optimised code, a different field on a different line of the year benchmark.
 * Made as a double and then zeroed, a field stays a double.
 */
const AS_DOUBLE = 0.5;

export function emptyRaw(allTimeMs = 0): RawFigures {
  const raw: RawFigures = {
    allTimeMs: AS_DOUBLE,
    baseMs: AS_DOUBLE,
    noDataMs: AS_DOUBLE,
    noDataExcludedMs: AS_DOUBLE,
    plannedStopMs: AS_DOUBLE,
    stopMs: AS_DOUBLE,
    minorMs: AS_DOUBLE,
    idealMs: AS_DOUBLE,
    good: AS_DOUBLE,
    reject: AS_DOUBLE,
    defectMs: AS_DOUBLE,
    startupMs: AS_DOUBLE,
    stopLossMs: { breakdown: AS_DOUBLE, setup: AS_DOUBLE, 'minor-stop': AS_DOUBLE, 'reduced-speed': AS_DOUBLE, 'process-defect': AS_DOUBLE, 'reduced-yield': AS_DOUBLE },
    stopCount: 0,
    minorStopCount: 0,
    breakdownCount: 0,
    reasons: new Map(),
  };
  raw.allTimeMs = allTimeMs;
  raw.baseMs = 0;
  raw.noDataMs = 0;
  raw.noDataExcludedMs = 0;
  raw.plannedStopMs = 0;
  raw.stopMs = 0;
  raw.minorMs = 0;
  raw.idealMs = 0;
  raw.good = 0;
  raw.reject = 0;
  raw.defectMs = 0;
  raw.startupMs = 0;
  const sl = raw.stopLossMs;
  sl.breakdown = 0;
  sl.setup = 0;
  sl['minor-stop'] = 0;
  sl['reduced-speed'] = 0;
  sl['process-defect'] = 0;
  sl['reduced-yield'] = 0;
  return raw;
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
  dst.noDataMs += src.noDataMs;
  dst.noDataExcludedMs += src.noDataExcludedMs;
  dst.plannedStopMs += src.plannedStopMs;
  dst.stopMs += src.stopMs;
  dst.minorMs += src.minorMs;
  dst.idealMs += src.idealMs;
  dst.good += src.good;
  dst.reject += src.reject;
  dst.defectMs += src.defectMs;
  dst.startupMs += src.startupMs;
  // Spelled out, and forEach rather than for-of over entries: roll-ups run this for thousands of
  // buckets, and a keyed loop over the losses plus an [key, value] array per entry showed up.
  const d = dst.stopLossMs;
  const s = src.stopLossMs;
  d.breakdown += s.breakdown;
  d.setup += s.setup;
  d['minor-stop'] += s['minor-stop'];
  d['reduced-speed'] += s['reduced-speed'];
  d['process-defect'] += s['process-defect'];
  d['reduced-yield'] += s['reduced-yield'];
  dst.stopCount += src.stopCount;
  dst.minorStopCount += src.minorStopCount;
  dst.breakdownCount += src.breakdownCount;
  src.reasons.forEach((r, key) => addReason(dst, key, r.reasonId, r.loss, r.durationMs, r.count));
}

const byDuration = (a: ReasonLoss, b: ReasonLoss) =>
  b.durationMs - a.durationMs || b.count - a.count || a.loss.localeCompare(b.loss) || (a.reasonId ?? '').localeCompare(b.reasonId ?? '');

/**
 * The first TOP_REASONS of `reasons` in byDuration order, exactly as a stable sort and a slice
 * would give them, without copying and sorting every tally (thousands of buckets per report).
 */
function topReasonsOf(reasons: ReadonlyMap<string, ReasonLoss>): ReasonLoss[] {
  const top: ReasonLoss[] = [];
  for (const r of reasons.values()) {
    let k = top.length;
    // Ties keep arrival order (stable): move in front only of strictly later entries.
    while (k > 0 && byDuration(r, top[k - 1] as ReasonLoss) < 0) k--;
    if (k >= TOP_REASONS) continue;
    if (top.length < TOP_REASONS) top.push(r);
    for (let j = top.length - 1; j > k; j--) top[j] = top[j - 1] as ReasonLoss;
    top[k] = r;
  }
  return top;
}

/** The tallies of `reasons` not in `top`, summed (summed, not the whole minus the top: no rounding residue). */
function restOf(reasons: ReadonlyMap<string, ReasonLoss>, top: readonly ReasonLoss[]): ReasonRest {
  const rest: ReasonRest = { durationMs: 0, count: 0 };
  if (reasons.size <= top.length) return rest;
  for (const r of reasons.values()) {
    if (top.includes(r)) continue;
    rest.durationMs += r.durationMs;
    rest.count += r.count;
  }
  return rest;
}

/**
 * Count-based quality, good / total, never below 0: scrap found late books parts counted in an
 * earlier window as rejects now, so a window's net good count can fall below zero. Its OEE is then
 * 0 %, not negative.
 */
export function qualityOf(good: number, total: number): number | null {
  return total > 0 ? Math.max(0, good) / total : null;
}

/**
 * Derives every figure, ratio and flag from summed times and counts. `isShared`: `raw` is finalized
 * for another scope too, so the reason tallies are copied instead of handed out.
 */
export function finalize(raw: RawFigures, isShared = false): OeeFigures {
  return derive(raw, 0, 0, false, isShared) as OeeFigures;
}

/** `finalize` for one bucket (`isShared`: see `finalize`): bounds first, then the figures, then the shift id (the report's key order). */
export function finalizeBucket(raw: RawFigures, start: number, end: number, shiftId: string | undefined, isShared = false): OeeBucket {
  const out = derive(raw, start, end, true, isShared) as OeeBucket;
  if (shiftId !== undefined) out.shiftId = shiftId;
  return out;
}

/**
 * One object literal per shape (with or without bounds): spreading figures into a bucket made a
 * slow dictionary-mode copy per bucket, thousands per report.
 */
function derive(raw: RawFigures, start: number, end: number, hasBounds: boolean, isShared: boolean): OeeFigures | OeeBucket {
  const plannedMs = raw.baseMs - raw.plannedStopMs;
  const runMs = plannedMs - raw.stopMs;
  const total = raw.good + raw.reject;
  const isScheduled = plannedMs > 0;
  // Planned time as scheduled, no-data time included however it is booked: coverage is the part seen.
  const scheduledMs = plannedMs + raw.noDataExcludedMs;
  const coverage = scheduledMs > 0 ? (scheduledMs - raw.noDataMs) / scheduledMs : null;
  const sl = raw.stopLossMs;
  const lossMs: Record<BigLoss, number> = {
    breakdown: sl.breakdown,
    setup: sl.setup,
    'minor-stop': sl['minor-stop'] + raw.minorMs,
    'reduced-speed': sl['reduced-speed'] + Math.max(0, runMs - raw.idealMs - raw.minorMs),
    'process-defect': sl['process-defect'] + raw.defectMs,
    'reduced-yield': sl['reduced-yield'] + raw.startupMs,
  };
  let availability: number | null = null;
  let performance: number | null = null;
  let quality: number | null = null;
  let oee: number | null = null;
  let utilization: number | null = null;
  let teep: number | null = null;
  if (isScheduled) {
    availability = runMs / plannedMs;
    performance = runMs > 0 ? raw.idealMs / runMs : null;
    quality = qualityOf(raw.good, total);
    // Nothing run or nothing made means nothing good made: OEE is 0, not unknown.
    oee = performance !== null && quality !== null ? availability * performance * quality : 0;
  }
  // Utilization is planned over calendar time: a day without shifts is 0 %, not unknown; only no
  // calendar time at all leaves it undefined. TEEP = OEE x utilization, so 0 there too.
  if (raw.allTimeMs > 0) {
    utilization = plannedMs / raw.allTimeMs;
    teep = (oee ?? 0) * utilization;
  }
  // Raw figures are made per report and never reused, so their tallies can be handed out as they are.
  const topReasons = topReasonsOf(raw.reasons);
  const otherReasons = restOf(raw.reasons, topReasons);
  // A raw finalized for a second scope (an area or site of one line) must not share its tallies.
  if (isShared) for (let k = 0; k < topReasons.length; k++) topReasons[k] = { ...(topReasons[k] as ReasonLoss) };
  const isPerformanceOverLimit = isOverLimit(performance);
  const mtbfMs = raw.breakdownCount > 0 ? runMs / raw.breakdownCount : null;
  const mttrMs = raw.breakdownCount > 0 ? raw.stopLossMs.breakdown / raw.breakdownCount : null;
  // Two literals on purpose: `{ start, end, ...figures }` made a dictionary-mode copy per bucket, a top
  // item in the full-year profile (docs/benchmarks.md); one literal per shape keeps V8 on fast paths.
  if (hasBounds) {
    return {
      start,
      end,
      allTimeMs: raw.allTimeMs,
      plannedMs,
      scheduledMs,
      noDataMs: raw.noDataMs,
      coverage,
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
      isPerformanceOverLimit,
      lossMs,
      stopCount: raw.stopCount,
      minorStopCount: raw.minorStopCount,
      mtbfMs,
      mttrMs,
      good: raw.good,
      reject: raw.reject,
      total,
      topReasons,
      otherReasons,
    };
  }
  return {
    allTimeMs: raw.allTimeMs,
    plannedMs,
    scheduledMs,
    noDataMs: raw.noDataMs,
    coverage,
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
    isPerformanceOverLimit,
    lossMs,
    stopCount: raw.stopCount,
    minorStopCount: raw.minorStopCount,
    mtbfMs,
    mttrMs,
    good: raw.good,
    reject: raw.reject,
    total,
    topReasons,
    otherReasons,
  };
}

/**
 * Performance above 100 %: more good-and-reject parts than the ideal cycle time allows, so the
 * configured ideal cycle time is wrong. The one rule behind `isPerformanceOverLimit`, which every
 * screen (tablet, board, line view), the report and the CLI flag as "check ideal cycle time".
 * @example isOverLimit(1.08); // true
 */
export function isOverLimit(performance: number | null): boolean {
  return performance !== null && performance > 1;
}
