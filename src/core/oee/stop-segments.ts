import type { LossCategory } from '../plant.schema.ts';
import type { BigLoss } from './report.ts';
import type { LineTimeline } from './line-timeline.ts';

/** A stop (or a part of a split stop) as booked at `now`. */
export interface StopPiece {
  id: string;
  start: number;
  end: number;
  reasonId: string | null;
  /** 'planned' is excluded from planned time; 'minor-stop' stays in run time. */
  loss: LossCategory;
  /** Order among overlapping pieces: planned first, then unplanned, then minor; earlier start wins ties. */
  rank: number;
  /** Key of (loss, reason) for the reason tally, made once per piece. */
  key: string;
}

/** Disjoint, sorted stop time of a line, each segment owned by exactly one piece. */
export interface StopSegments {
  pieces: StopPiece[];
  start: number[];
  end: number[];
  piece: number[];
}

const keys = new Map<string, Map<string | null, string>>();
/** Tally key of (loss, reason), interned: a year has ~20k stops but only a few dozen distinct keys. */
function reasonKey(loss: LossCategory, reasonId: string | null): string {
  let byReason = keys.get(loss);
  if (!byReason) keys.set(loss, (byReason = new Map()));
  let key = byReason.get(reasonId);
  if (key === undefined) {
    if (byReason.size > 10_000) byReason.clear(); // bounded: reason ids come from the plant, but be safe
    key = `${loss}|${reasonId ?? ''}`;
    byReason.set(reasonId, key);
  }
  return key;
}

/**
 * Applies `now`, splits and reasons to a line's stops. A stop still open runs until `now`; nothing
 * recorded after `now` (ends, classifications, splits) is known yet.
 */
function materialize(tl: LineTimeline, now: number, reasonLoss: ReadonlyMap<string, LossCategory>, smallStopMs: number): StopPiece[] {
  const pieces: StopPiece[] = [];
  // Root length decides minor vs. not, so splitting a long stop never turns its parts into minor stops.
  const rootMs: number[] = [];
  const defaults: BigLoss[] = [];
  for (const s of tl.stops) {
    const end = s.end < now ? s.end : now;
    if (end <= s.start) continue; // not started yet, or empty: nothing to book and nothing to split
    pieces.push({ id: s.id, start: s.start, end, reasonId: s.reasonId, loss: s.defaultLoss, rank: 1, key: '' });
    rootMs.push(end - s.start);
    defaults.push(s.defaultLoss);
  }
  if (tl.splits.length > 0) applySplits(tl, now, pieces, rootMs, defaults);
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i] as StopPiece;
    let reasonId = p.reasonId;
    const list = tl.classify.size > 0 ? tl.classify.get(p.id) : undefined;
    if (list) for (const c of list) if (c.ts <= now) reasonId = c.reasonId;
    const known = reasonId === null ? undefined : reasonLoss.get(reasonId);
    // A reason missing from the tree counts as unclassified.
    p.reasonId = known === undefined ? null : reasonId;
    let loss: LossCategory = known ?? (defaults[i] as BigLoss);
    if (loss !== 'planned' && (rootMs[i] as number) < smallStopMs) loss = 'minor-stop';
    p.loss = loss;
    p.rank = loss === 'planned' ? 0 : loss === 'minor-stop' ? 2 : 1;
    p.key = reasonKey(loss, p.reasonId);
  }
  pieces.sort((a, b) => a.start - b.start || a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return pieces;
}

/** Splits known at `now`, in event order: the part after `at` becomes the new stop. */
function applySplits(tl: LineTimeline, now: number, pieces: StopPiece[], rootMs: number[], defaults: BigLoss[]): void {
  const byId = new Map<string, number>();
  pieces.forEach((p, i) => byId.set(p.id, i));
  for (const sp of tl.splits) {
    if (sp.ts > now) continue;
    const i = byId.get(sp.stopId);
    const p = i === undefined ? undefined : pieces[i];
    if (i === undefined || !p || byId.has(sp.newStopId) || !(sp.at > p.start && sp.at < p.end)) continue;
    pieces.push({ id: sp.newStopId, start: sp.at, end: p.end, reasonId: sp.reasonId ?? p.reasonId, loss: p.loss, rank: 1, key: '' });
    rootMs.push(rootMs[i] as number);
    defaults.push(defaults[i] as BigLoss);
    byId.set(sp.newStopId, pieces.length - 1);
    p.end = sp.at;
  }
}

/** Better owner of overlapping time: lower rank, then earlier start (pieces are sorted, so lower index). */
const better = (pieces: StopPiece[], a: number, b: number) => {
  const pa = pieces[a] as StopPiece;
  const pb = pieces[b] as StopPiece;
  return pa.rank < pb.rank || (pa.rank === pb.rank && a < b);
};

/**
 * Cuts a line's stops into disjoint segments: a line is stopped while any stop on it is open, and
 * overlapping or duplicate stops are never counted twice.
 */
export function stopSegments(tl: LineTimeline, now: number, reasonLoss: ReadonlyMap<string, LossCategory>, smallStopMs: number): StopSegments {
  const pieces = materialize(tl, now, reasonLoss, smallStopMs);
  const out: StopSegments = { pieces, start: [], end: [], piece: [] };
  const active: number[] = [];
  let i = 0;
  let cur = -Infinity;
  while (i < pieces.length || active.length > 0) {
    if (active.length === 0) cur = (pieces[i] as StopPiece).start;
    while (i < pieces.length && (pieces[i] as StopPiece).start <= cur) active.push(i++);
    let next = i < pieces.length ? (pieces[i] as StopPiece).start : Infinity;
    let owner = active[0] as number;
    for (const a of active) {
      const e = (pieces[a] as StopPiece).end;
      if (e < next) next = e;
      if (better(pieces, a, owner)) owner = a;
    }
    const last = out.piece.length - 1;
    if (last >= 0 && out.piece[last] === owner && out.end[last] === cur) out.end[last] = next;
    else {
      out.start.push(cur);
      out.end.push(next);
      out.piece.push(owner);
    }
    cur = next;
    // Drop ended pieces by swapping with the last: ownership does not depend on the order here.
    for (let k = active.length - 1; k >= 0; k--) {
      if ((pieces[active[k] as number] as StopPiece).end <= cur) {
        active[k] = active[active.length - 1] as number;
        active.pop();
      }
    }
  }
  return out;
}
