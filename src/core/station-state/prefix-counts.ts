import { countRow, type CountStore } from '../oee/count-store.ts';
import type { RawFigures } from '../oee/figures.ts';
import type { Plan } from '../oee/plan.ts';

/** Summed fields per count: good, reject, ideal ms, defect ms, start-up reject ms (as CountRows). */
const FIELDS = 5;
const INITIAL = 32;

/**
 * A count store for live reads at any `now`: running totals per count row, so the counts of any
 * time range are two binary searches and a subtraction, not a pass over the shift's counts (the
 * station fold reads after every event). What a count is stays the engine's business
 * (LineTimeline decides and writes `countRow`); this only sums. Counts arrive in time order.
 */
export class PrefixCounts implements CountStore {
  n = 0;
  // Small to start, doubled as needed: the tablet makes a fresh store per station for every tap it lays on a status.
  #ts = new Float64Array(INITIAL);
  /** Running totals: row i holds the sums of counts 0..i-1 (row 0 is zero). */
  #sums = new Float64Array((INITIAL + 1) * FIELDS);

  add(): void {
    const i = this.n;
    if (i === this.#ts.length) this.#grow();
    this.#ts[i] = countRow[0] as number;
    const s = this.#sums;
    const k = i * FIELDS;
    const isStartup = countRow[5] === 1;
    s[k + FIELDS] = (s[k] as number) + (countRow[1] as number);
    s[k + FIELDS + 1] = (s[k + 1] as number) + (countRow[2] as number);
    s[k + FIELDS + 2] = (s[k + 2] as number) + (countRow[3] as number);
    s[k + FIELDS + 3] = (s[k + 3] as number) + (isStartup ? 0 : (countRow[4] as number));
    s[k + FIELDS + 4] = (s[k + 4] as number) + (isStartup ? (countRow[4] as number) : 0);
    this.n = i + 1;
  }

  /** Adds the counts in [plan.from, min(plan.to, now + 1)) to `total`, and each bucket's to it: CountRows' result. */
  sumInto(plan: Plan, now: number, buckets: RawFigures[], total: RawFigures): void {
    const last = Math.min(plan.to, now + 1);
    plan.buckets.forEach((b, k) => this.#addRange(buckets[k] as RawFigures, Math.max(b.start, plan.from), Math.min(b.end, last)));
    this.#addRange(total, plan.from, last);
  }

  #addRange(raw: RawFigures, from: number, to: number): void {
    if (to <= from) return;
    const a = this.#lowerBound(from) * FIELDS;
    const b = this.#lowerBound(to) * FIELDS;
    const s = this.#sums;
    raw.good += (s[b] as number) - (s[a] as number);
    raw.reject += (s[b + 1] as number) - (s[a + 1] as number);
    raw.idealMs += (s[b + 2] as number) - (s[a + 2] as number);
    raw.defectMs += (s[b + 3] as number) - (s[a + 3] as number);
    raw.startupMs += (s[b + 4] as number) - (s[a + 4] as number);
  }

  /** First row with ts >= x (rows are in time order). */
  #lowerBound(x: number): number {
    const ts = this.#ts;
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((ts[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #grow(): void {
    const ts = new Float64Array(this.#ts.length * 2);
    ts.set(this.#ts);
    const sums = new Float64Array((ts.length + 1) * FIELDS);
    sums.set(this.#sums);
    this.#ts = ts;
    this.#sums = sums;
  }
}
