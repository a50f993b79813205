import { lossAt } from './reason-loss.ts';
import type { LossCategory } from '../plant.schema.ts';
import type { LineTimeline } from './line-timeline.ts';

/**
 * A line's stops (and parts of split stops) as booked at `now`, as columns: row `p` is one piece,
 * rows sorted by start, then rank, then id. Disjoint segments of stop time follow, each owned by
 * exactly one piece. Columns instead of an object per piece: a line-year has ~22 k of them.
 */
export interface StopSegments {
  /** Pieces. 'planned' is excluded from planned time; 'minor-stop' stays in run time. */
  loss: LossCategory[];
  reasonId: Array<string | null>;
  /** Key of (loss, reason) for the reason tally, made once per piece. */
  key: string[];
  /** Segments: disjoint, sorted; `piece` is the owning row. */
  start: Float64Array;
  end: Float64Array;
  piece: Int32Array;
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
 * Which of overlapping stops owns their common time (lowest first): planned 0, other stops 1,
 * changeovers (and a machine's setup state) 2, minor stops 3. A stop that starts during a
 * changeover nests in it: its time is its own loss (a breakdown, say), not setup, and the
 * changeover's time resumes when it ends (docs/adr/0008-station-state.md).
 */
export function stopRank(loss: LossCategory, isSetup: boolean): number {
  if (loss === 'planned') return 0;
  if (loss === 'minor-stop') return 3;
  return isSetup ? 2 : 1;
}

/** Pieces while they are being made, before sorting; every column sized up front (no growth copies). */
interface Pieces {
  n: number;
  /** Stop row of the piece, or -1 for the new part of a split (its id is in `splitId`). */
  row: Int32Array;
  /** Ids of split parts by piece, only when there are splits (`null` otherwise: ids are read by row). */
  splitId: Array<string | undefined> | null;
  reasonId: Array<string | null>;
  start: Float64Array;
  end: Float64Array;
  /** Root stop length: decides minor vs. not, so splitting a long stop never makes minor parts. */
  rootMs: Float64Array;
  isSetup: Uint8Array;
  /** Order among overlapping pieces: see `stopRank`. */
  rank: Uint8Array;
  loss: LossCategory[];
  key: string[];
}

/** Id of piece `i`. */
function idOf(tl: LineTimeline, p: Pieces, i: number): string {
  const row = p.row[i] as number;
  return row >= 0 ? (tl.stops.id[row] as string) : ((p.splitId as Array<string | undefined>)[i] as string);
}

/**
 * Applies `now`, splits and reasons to a line's stops. A stop still open runs until `now`; nothing
 * recorded after `now` (ends, classifications, splits) is known yet.
 */
function materialize(tl: LineTimeline, now: number, reasonLoss: ReadonlyMap<string, LossCategory>, smallStopMs: number): Pieces {
  const st = tl.stops;
  // Each split adds at most one piece.
  const cap = st.n + tl.splits.length;
  const p: Pieces = {
    n: 0,
    row: new Int32Array(cap),
    splitId: null,
    reasonId: new Array<string | null>(cap).fill(null),
    start: new Float64Array(cap),
    end: new Float64Array(cap),
    rootMs: new Float64Array(cap),
    isSetup: new Uint8Array(cap),
    rank: new Uint8Array(cap),
    loss: new Array<LossCategory>(cap).fill('breakdown'),
    key: new Array<string>(cap).fill(''),
  };
  for (let i = 0; i < st.n; i++) {
    const start = st.start[i] as number;
    const se = st.end[i] as number;
    const end = se < now ? se : now;
    if (end <= start) continue; // not started yet, or empty: nothing to book and nothing to split
    const k = p.n++;
    p.row[k] = i;
    p.reasonId[k] = st.reasonId[i] as string | null;
    p.start[k] = start;
    p.end[k] = end;
    p.rootMs[k] = end - start;
    p.isSetup[k] = st.isSetup[i] as number;
  }
  const rows = p.n;
  if (tl.splits.length > 0) applySplits(tl, now, p);
  let lastLoss = '';
  let lastReason: string | null = null;
  let lastKey = '';
  for (let i = 0; i < p.n; i++) {
    const given = p.reasonId[i] as string | null;
    // Stops are classified by row; only the new parts of splits are looked up by id.
    const reasonId = i < rows ? st.reasonOfRow(p.row[i] as number, now, given) : st.reasonOfId(idOf(tl, p, i), now, given);
    const known = reasonId === null ? undefined : lossAt(reasonLoss, reasonId, p.start[i] as number);
    // A reason missing from the tree counts as unclassified.
    const booked = known === undefined ? null : reasonId;
    const isSetup = p.isSetup[i] === 1;
    let loss: LossCategory = known ?? (isSetup ? 'setup' : 'breakdown');
    // A changeover (or a machine's setup state) is setup however short: never an unexplained minor stop (ADR 0008).
    if (loss !== 'planned' && !isSetup && (p.rootMs[i] as number) < smallStopMs) loss = 'minor-stop';
    p.reasonId[i] = booked;
    p.loss[i] = loss;
    p.rank[i] = stopRank(loss, isSetup);
    // Runs of pieces share a key (most are unclassified minor stops): skip the lookup for those.
    if (loss !== lastLoss || booked !== lastReason) {
      lastLoss = loss;
      lastReason = booked;
      lastKey = reasonKey(loss, booked);
    }
    p.key[i] = lastKey;
  }
  return sortPieces(tl, p);
}

/** Splits known at `now`, in event order: the part after `at` becomes the new stop. */
function applySplits(tl: LineTimeline, now: number, p: Pieces): void {
  const splitId = new Array<string | undefined>(p.row.length);
  p.splitId = splitId;
  const byId = new Map<string, number>();
  for (let i = 0; i < p.n; i++) byId.set(idOf(tl, p, i), i);
  for (const sp of tl.splits) {
    if (sp.ts > now) continue;
    const i = byId.get(sp.stopId);
    if (i === undefined || byId.has(sp.newStopId) || !(sp.at > (p.start[i] as number) && sp.at < (p.end[i] as number))) continue;
    const k = p.n++;
    p.row[k] = -1;
    splitId[k] = sp.newStopId;
    p.reasonId[k] = sp.reasonId ?? p.reasonId[i] ?? null;
    p.start[k] = sp.at;
    p.end[k] = p.end[i] as number;
    p.rootMs[k] = p.rootMs[i] as number;
    p.isSetup[k] = p.isSetup[i] as number;
    byId.set(sp.newStopId, k);
    p.end[i] = sp.at;
  }
}

/**
 * Rows in (start, rank, id) order, stable. Stops are recorded in start order, so this is nearly
 * always a check and no sort.
 */
function sortPieces(tl: LineTimeline, p: Pieces): Pieces {
  const { start, rank, n } = p;
  const cmp = (a: number, b: number) => {
    const d = (start[a] as number) - (start[b] as number) || (rank[a] as number) - (rank[b] as number);
    if (d !== 0) return d;
    const ia = idOf(tl, p, a);
    const ib = idOf(tl, p, b);
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };
  let isSorted = true;
  for (let i = 1; i < n && isSorted; i++) if (cmp(i - 1, i) > 0) isSorted = false;
  if (isSorted) return p;
  const order = Array.from({ length: n }, (_, i) => i).sort(cmp);
  const pick = <T>(col: T[]) => order.map((i) => col[i] as T);
  const pickF = (col: Float64Array) => Float64Array.from(order, (i) => col[i] as number);
  const pickU = (col: Uint8Array) => Uint8Array.from(order, (i) => col[i] as number);
  const splitId = p.splitId;
  return {
    n,
    row: Int32Array.from(order, (i) => p.row[i] as number),
    splitId: splitId === null ? null : pick(splitId),
    reasonId: pick(p.reasonId),
    start: pickF(p.start),
    end: pickF(p.end),
    rootMs: pickF(p.rootMs),
    isSetup: pickU(p.isSetup),
    rank: pickU(p.rank),
    loss: pick(p.loss),
    key: pick(p.key),
  };
}

/**
 * Cuts a line's stops into disjoint segments: a line is stopped while any stop on it is open, and
 * overlapping or duplicate stops are never counted twice.
 */
export function stopSegments(tl: LineTimeline, now: number, reasonLoss: ReadonlyMap<string, LossCategory>, smallStopMs: number): StopSegments {
  const p = materialize(tl, now, reasonLoss, smallStopMs);
  const { start: ps, end: pe, rank, n } = p;
  // Every piece start and end is at most one segment boundary: 2n segments at most.
  const segStart = new Float64Array(2 * n);
  const segEnd = new Float64Array(2 * n);
  const segPiece = new Int32Array(2 * n);
  let m = 0;
  const active: number[] = [];
  let i = 0;
  let cur = -Infinity;
  while (i < n || active.length > 0) {
    if (active.length === 0) cur = ps[i] as number;
    while (i < n && (ps[i] as number) <= cur) active.push(i++);
    let next = i < n ? (ps[i] as number) : Infinity;
    let owner = active[0] as number;
    for (let k = 0; k < active.length; k++) {
      const a = active[k] as number;
      const e = pe[a] as number;
      if (e < next) next = e;
      // Better owner of overlapping time: lower rank, then earlier row (rows are sorted).
      if ((rank[a] as number) < (rank[owner] as number) || (rank[a] === rank[owner] && a < owner)) owner = a;
    }
    if (m > 0 && segPiece[m - 1] === owner && segEnd[m - 1] === cur) segEnd[m - 1] = next;
    else {
      segStart[m] = cur;
      segEnd[m] = next;
      segPiece[m] = owner;
      m++;
    }
    cur = next;
    // Drop ended pieces by swapping with the last: ownership does not depend on the order here.
    for (let k = active.length - 1; k >= 0; k--) {
      if ((pe[active[k] as number] as number) <= cur) {
        active[k] = active[active.length - 1] as number;
        active.pop();
      }
    }
  }
  return { loss: p.loss, reasonId: p.reasonId, key: p.key, start: segStart.subarray(0, m), end: segEnd.subarray(0, m), piece: segPiece.subarray(0, m) };
}
