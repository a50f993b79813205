import type { Plan } from './plan.ts';
import { FloorboardError } from '../errors.ts';
import type { RawFigures } from './figures.ts';

/**
 * The count being added: ts, good, reject, ideal (parts x ideal cycle time, ms), rejectIdeal,
 * isStartup (1/0). Passed through this scratch row, not as arguments: a double passed to a call
 * that is not inlined is boxed, and that one allocation per count was most of a year's garbage.
 */
export const countRow = new Float64Array(6);

/** Where a line's counts go: kept as rows (live, any `now`) or folded into bucket sums (batch, one `now`). */
export interface CountStore {
  /** Adds the count in `countRow`; counts come in event order. */
  add(): void;
  /** Adds counts inside the plan's window and known at `now` to their bucket and to the total. */
  sumInto(plan: Plan, now: number, buckets: RawFigures[], total: RawFigures): void;
}

const FIELDS = 5; // good, reject, ideal, defect, startup

function addSums(raw: RawFigures, s: Float64Array, k: number): void {
  raw.good += s[k] as number;
  raw.reject += s[k + 1] as number;
  raw.idealMs += s[k + 2] as number;
  raw.defectMs += s[k + 3] as number;
  raw.startupMs += s[k + 4] as number;
}

/**
 * Batch: counts summed straight into their bucket as they arrive, for a plan and `now` fixed up
 * front. No row is kept, so a year of counts costs a few numbers per bucket and allocates nothing.
 */
export class CountFold implements CountStore {
  /** FIELDS sums per bucket, then one slot for counts in the window but in no bucket. */
  private readonly sums: Float64Array;
  private readonly from: number;
  private readonly last: number;
  /** Bucket bounds as columns: a bucket object's numbers are boxed, one more memory hop per count. */
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private b = 0;

  constructor(
    private readonly plan: Plan,
    private readonly now: number,
  ) {
    const nb = plan.buckets.length;
    this.sums = new Float64Array((nb + 1) * FIELDS);
    this.from = plan.from;
    this.last = Math.min(plan.to, now + 1); // a count at `now` is known
    this.starts = new Float64Array(nb);
    this.ends = new Float64Array(nb);
    plan.buckets.forEach((b, i) => {
      this.starts[i] = b.start;
      this.ends[i] = b.end;
    });
  }

  add(): void {
    const ts = countRow[0] as number;
    if (ts < this.from || ts >= this.last) return;
    const { starts, ends } = this;
    const nb = ends.length;
    // Events come in order, so the bucket pointer only moves forward.
    if (this.b > 0 && ts < (ends[this.b - 1] as number)) this.b = 0;
    while (this.b < nb && (ends[this.b] as number) <= ts) this.b++;
    const isIn = this.b < nb && (starts[this.b] as number) <= ts;
    const k = (isIn ? this.b : nb) * FIELDS;
    const s = this.sums;
    s[k] = (s[k] as number) + (countRow[1] as number);
    s[k + 1] = (s[k + 1] as number) + (countRow[2] as number);
    s[k + 2] = (s[k + 2] as number) + (countRow[3] as number);
    const j = countRow[5] === 1 ? k + 4 : k + 3;
    s[j] = (s[j] as number) + (countRow[4] as number);
  }

  sumInto(plan: Plan, now: number, buckets: RawFigures[], total: RawFigures): void {
    if (plan !== this.plan || now !== this.now) throw new FloorboardError('internal', 'CountFold was folded for another plan or now');
    for (let b = 0; b <= buckets.length; b++) {
      if (b < buckets.length) addSums(buckets[b] as RawFigures, this.sums, b * FIELDS);
      addSums(total, this.sums, b * FIELDS);
    }
  }
}

/** First index below `n` in sorted `ts` with ts[i] >= x. */
function lowerBound(ts: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ts[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Live: every count kept as a row in typed columns (one buffer, grown by doubling), summed per report. */
export class CountRows implements CountStore {
  n = 0;
  private ts!: Float64Array;
  private good!: Float64Array;
  private reject!: Float64Array;
  private ideal!: Float64Array;
  private rejectIdeal!: Float64Array;
  private startup!: Uint8Array;

  constructor(capacity = 1024) {
    this.allocate(Math.max(16, Math.ceil(capacity)));
  }

  add(): void {
    const i = this.n;
    if (i === this.ts.length) this.allocate(i * 2);
    this.ts[i] = countRow[0] as number;
    this.good[i] = countRow[1] as number;
    this.reject[i] = countRow[2] as number;
    this.ideal[i] = countRow[3] as number;
    this.rejectIdeal[i] = countRow[4] as number;
    this.startup[i] = countRow[5] as number;
    this.n = i + 1;
  }

  sumInto(plan: Plan, now: number, buckets: RawFigures[], total: RawFigures): void {
    const { ts, good, reject, ideal, rejectIdeal, startup } = this;
    const end = this.n;
    const nb = plan.buckets.length;
    const last = Math.min(plan.to, now + 1);
    const sums = new Float64Array((nb + 1) * FIELDS);
    let b = 0;
    for (let i = lowerBound(ts, end, plan.from); i < end; i++) {
      const t = ts[i] as number;
      if (t >= last) break;
      while (b < nb && (plan.buckets[b] as { end: number }).end <= t) b++;
      const k = (b < nb && (plan.buckets[b] as { start: number }).start <= t ? b : nb) * FIELDS;
      sums[k] = (sums[k] as number) + (good[i] as number);
      sums[k + 1] = (sums[k + 1] as number) + (reject[i] as number);
      sums[k + 2] = (sums[k + 2] as number) + (ideal[i] as number);
      const j = startup[i] === 1 ? k + 4 : k + 3;
      sums[j] = (sums[j] as number) + (rejectIdeal[i] as number);
    }
    for (let k = 0; k <= nb; k++) {
      if (k < nb) addSums(buckets[k] as RawFigures, sums, k * FIELDS);
      addSums(total, sums, k * FIELDS);
    }
  }

  /** All columns in one buffer: one allocation per growth instead of six. */
  private allocate(cap: number): void {
    const buf = new ArrayBuffer(cap * 41);
    const col = (k: number) => new Float64Array(buf, k * cap * 8, cap);
    const old = this.n > 0 ? [this.ts, this.good, this.reject, this.ideal, this.rejectIdeal] : null;
    const oldStartup = this.startup;
    this.ts = col(0);
    this.good = col(1);
    this.reject = col(2);
    this.ideal = col(3);
    this.rejectIdeal = col(4);
    this.startup = new Uint8Array(buf, cap * 40, cap);
    if (old) {
      [this.ts, this.good, this.reject, this.ideal, this.rejectIdeal].forEach((c, k) => c.set((old[k] as Float64Array).subarray(0, this.n)));
      this.startup.set(oldStartup.subarray(0, this.n));
    }
  }
}
