import type { LossCategory } from '../plant.schema.ts';
import type { BigLoss } from './report.ts';
import type { LineTimeline } from './line-timeline.ts';
import type { Plan } from './plan.ts';
import { addReason, emptyRaw, type RawFigures } from './figures.ts';
import { stopSegments } from './stop-segments.ts';

export interface LineRaw {
  buckets: RawFigures[];
  total: RawFigures;
}

/** Elapsed calendar time of [start, end) inside the window and before `now`. */
const elapsed = (start: number, end: number, from: number, limit: number) => Math.max(0, Math.min(end, limit) - Math.max(start, from));

/**
 * Planned, stop and count figures of one line for every bucket of the plan, as known at `now`.
 * `noData`: the line's no-data spans (noDataSpans), flat, sorted and disjoint: that time is never
 * run time, and the stops recorded in it are not counted (docs/adr/0009-no-data.md).
 */
export function lineRaw(tl: LineTimeline, plan: Plan, now: number, reasonLoss: ReadonlyMap<string, LossCategory>, noData: readonly number[] = []): LineRaw {
  const limit = Math.min(plan.to, now);
  const buckets = plan.buckets.map((b) => emptyRaw(elapsed(b.start, b.end, plan.from, limit)));
  const total = emptyRaw(Math.max(0, limit - plan.from));
  const seg = stopSegments(tl, now, reasonLoss, tl.line.smallStopThresholdSec * 1000);
  const counted = new Uint8Array(seg.key.length);
  const isExcluded = tl.line.noData === 'excluded';

  /** Books the monitored planned time [ps, pe): planned pieces and stop segments are both sorted and disjoint, one merge pass. */
  let s = 0;
  const monitored = (bucket: RawFigures, ps: number, pe: number) => {
    bucket.baseMs += pe - ps;
    total.baseMs += pe - ps;
    while (s < seg.start.length && (seg.end[s] as number) <= ps) s++;
    for (let k = s; k < seg.start.length && (seg.start[k] as number) < pe; k++) {
      const d = Math.min(pe, seg.end[k] as number) - Math.max(ps, seg.start[k] as number);
      if (d <= 0) continue;
      const idx = seg.piece[k] as number;
      const isFirst = counted[idx] === 0;
      counted[idx] = 1;
      const loss = seg.loss[idx] as LossCategory;
      const key = seg.key[idx] as string;
      const reasonId = seg.reasonId[idx] as string | null;
      bookStop(bucket, loss, key, reasonId, d, isFirst);
      bookStop(total, loss, key, reasonId, d, isFirst);
    }
  };

  let g = 0;
  for (let p = 0; p < plan.pieceStart.length; p++) {
    const ps = plan.pieceStart[p] as number;
    if (ps >= limit) break;
    const pe = Math.min(plan.pieceEnd[p] as number, limit);
    const bucket = buckets[plan.pieceBucket[p] as number] as RawFigures;
    // Cut the piece by the no-data spans it crosses (usually none, or the one before monitoring).
    while (g < noData.length && (noData[g + 1] as number) <= ps) g += 2;
    let cur = ps;
    for (let k = g; cur < pe; k += 2) {
      const gs = k < noData.length ? Math.max(cur, noData[k] as number) : pe;
      if (gs >= pe) {
        monitored(bucket, cur, pe);
        break;
      }
      if (gs > cur) monitored(bucket, cur, gs);
      cur = Math.min(pe, noData[k + 1] as number);
      bookNoData(bucket, cur - gs, isExcluded);
      bookNoData(total, cur - gs, isExcluded);
    }
  }

  tl.counts.sumInto(plan, now, buckets, total);
  return { buckets, total };
}

/** No-data time: left out of planned time, or an unplanned stop booked to breakdown (no stop count, no reason). */
function bookNoData(raw: RawFigures, d: number, isExcluded: boolean): void {
  raw.noDataMs += d;
  if (isExcluded) {
    raw.noDataExcludedMs += d;
    return;
  }
  raw.baseMs += d;
  raw.stopMs += d;
  raw.stopLossMs.breakdown += d;
}

function bookStop(raw: RawFigures, loss: LossCategory, key: string, reasonId: string | null, d: number, isFirst: boolean): void {
  const n = isFirst ? 1 : 0;
  if (loss === 'planned') {
    raw.plannedStopMs += d;
    return;
  }
  if (loss === 'minor-stop') {
    raw.minorMs += d;
    raw.minorStopCount += n;
  } else {
    raw.stopMs += d;
    addStopLoss(raw.stopLossMs, loss, d);
    raw.stopCount += n;
    if (loss === 'breakdown') raw.breakdownCount += n;
  }
  addReason(raw, key, reasonId, loss, d, n);
}

/** `sl[loss] += d` with a constant key per branch: a computed key made that store megamorphic. */
function addStopLoss(sl: Record<BigLoss, number>, loss: BigLoss, d: number): void {
  switch (loss) {
    case 'breakdown':
      sl.breakdown += d;
      return;
    case 'setup':
      sl.setup += d;
      return;
    case 'minor-stop':
      sl['minor-stop'] += d;
      return;
    case 'reduced-speed':
      sl['reduced-speed'] += d;
      return;
    case 'process-defect':
      sl['process-defect'] += d;
      return;
    case 'reduced-yield':
      sl['reduced-yield'] += d;
      return;
  }
}
