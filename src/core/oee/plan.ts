import type { Calendar } from '../plant.schema.ts';
import type { Bucketing } from './report.ts';
import { localBoundaries, shiftInstances } from './calendar.ts';

export interface BucketBounds {
  start: number;
  end: number;
  shiftId?: string;
}

/**
 * The planned-time skeleton of a query, shared by every line: buckets, and the shift time minus
 * breaks cut into disjoint, sorted pieces, each inside exactly one bucket. Not yet cut at `now`.
 */
export interface Plan {
  from: number;
  to: number;
  buckets: BucketBounds[];
  pieceStart: number[];
  pieceEnd: number[];
  pieceBucket: number[];
}

/**
 * Shift time minus breaks, clipped to [from, to), as disjoint sorted pieces tagged with their shift
 * index. Straight from the calendar, without the plans' memo (the stop list asks with a window ending
 * at `now`, which would churn it).
 */
export function shiftPieces(calendar: Calendar, from: number, to: number) {
  const instances = shiftInstances(calendar, from, to);
  const starts: number[] = [];
  const ends: number[] = [];
  const owner: number[] = [];
  instances.forEach((inst, i) => {
    let cur = inst.start;
    const push = (s: number, e: number) => {
      const cs = Math.max(s, from);
      const ce = Math.min(e, to);
      if (ce > cs) {
        starts.push(cs);
        ends.push(ce);
        owner.push(i);
      }
    };
    for (const [bs, be] of inst.breaks) {
      push(cur, bs);
      cur = Math.max(cur, be);
    }
    push(cur, inst.end);
  });
  return { instances, starts, ends, owner };
}

const cache = new WeakMap<Calendar, Map<string, Plan>>();
const CACHE_SIZE = 32;

/**
 * Builds the plan for a window and bucketing from the plant calendar. Memoised per calendar object:
 * time-zone math is the slow part, and dashboards ask for the same windows again and again.
 * Plans are shared: treat them as read-only.
 */
export function buildPlan(calendar: Calendar, from: number, to: number, by: Bucketing): Plan {
  let perCalendar = cache.get(calendar);
  if (!perCalendar) cache.set(calendar, (perCalendar = new Map()));
  const key = `${from}|${to}|${by}`;
  const hit = perCalendar.get(key);
  if (hit) return hit;
  const plan = makePlan(calendar, from, to, by);
  if (perCalendar.size >= CACHE_SIZE) perCalendar.delete(perCalendar.keys().next().value as string);
  perCalendar.set(key, plan);
  return plan;
}

function makePlan(calendar: Calendar, from: number, to: number, by: Bucketing): Plan {
  const { instances, starts, ends, owner } = shiftPieces(calendar, from, to);
  if (by === 'shift') {
    const buckets = instances.map((i) => ({ start: i.start, end: i.end, shiftId: i.shiftId }));
    return { from, to, buckets, pieceStart: starts, pieceEnd: ends, pieceBucket: owner };
  }
  const bounds = by === 'window' ? [from, to] : localBoundaries(calendar.timezone, from, to, by);
  const buckets: BucketBounds[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) buckets.push({ start: bounds[i] as number, end: bounds[i + 1] as number });
  const plan: Plan = { from, to, buckets, pieceStart: [], pieceEnd: [], pieceBucket: [] };
  let b = 0;
  for (let p = 0; p < starts.length; p++) {
    let s = starts[p] as number;
    const e = ends[p] as number;
    while (s < e) {
      while (b < buckets.length - 1 && (buckets[b] as BucketBounds).end <= s) b++;
      const cut = Math.min(e, (buckets[b] as BucketBounds).end);
      plan.pieceStart.push(s);
      plan.pieceEnd.push(cut);
      plan.pieceBucket.push(b);
      s = cut;
    }
  }
  return plan;
}

/** Index of the bucket holding `ts`, or -1; buckets are sorted and disjoint. */
export function bucketOf(buckets: readonly BucketBounds[], ts: number): number {
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const bk = buckets[mid] as BucketBounds;
    if (ts < bk.start) hi = mid - 1;
    else if (ts >= bk.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}
