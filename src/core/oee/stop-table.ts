const INITIAL = 256;

/**
 * A line's stops and their classifications as recorded, before splits, reasons and `now` are
 * applied. Columns instead of an object per stop: a line-year has ~22 k stops, and their objects
 * were a good part of a batch recompute's garbage. Row `i` is the i-th stop opened; `end` is
 * Infinity while open.
 *
 * A classification names a stop id and counts for every stop with that id, whenever it was opened.
 * Each row keeps the latest classification of its id, linked up while the ids are still in cache
 * (at push time), so reports read reasons by row instead of looking ~22 k cold id strings up in a
 * map (that lookup alone was ~14 ms per line-year in the full benchmark).
 */
export class StopTable {
  n = 0;
  readonly id: string[] = [];
  /** Reason given at the start, if any. */
  readonly reasonId: Array<string | null> = [];
  start = new Float64Array(INITIAL);
  end = new Float64Array(INITIAL);
  /** What an unclassified stop is booked to: 1 'setup' (machine setup state, changeovers), 0 'breakdown'. */
  isSetup = new Uint8Array(INITIAL);
  /** Latest classification (row in the log below) of the row's stop id, or -1. */
  private cls = new Int32Array(INITIAL);
  /** Previous row with the same stop id, or -1. */
  private sameId = new Int32Array(INITIAL);
  /** Stop id to its latest row. */
  private readonly rowOf = new Map<string, number>();

  /** Classifications in push order, with a chain per stop id back to the previous one. */
  private readonly clsTs: number[] = [];
  private readonly clsReason: string[] = [];
  private readonly clsPrev: number[] = [];
  /** Stop id to its latest classification. */
  private readonly clsOf = new Map<string, number>();

  /** Appends a stop and returns its row. */
  add(id: string, start: number, end: number, reasonId: string | null, isSetup: boolean): number {
    const row = this.n;
    if (row === this.start.length) this.grow();
    this.id.push(id);
    this.reasonId.push(reasonId);
    this.start[row] = start;
    this.end[row] = end;
    this.isSetup[row] = isSetup ? 1 : 0;
    this.sameId[row] = this.rowOf.get(id) ?? -1;
    this.rowOf.set(id, row);
    // Classified before it started (clock skew, or a reused id).
    this.cls[row] = this.clsOf.size > 0 ? (this.clsOf.get(id) ?? -1) : -1;
    return this.n++;
  }

  /** Records a classification of every stop with this id, opened so far or later. */
  classify(stopId: string, ts: number, reasonId: string): void {
    const c = this.clsTs.length;
    this.clsTs.push(ts);
    this.clsReason.push(reasonId);
    this.clsPrev.push(this.clsOf.get(stopId) ?? -1);
    this.clsOf.set(stopId, c);
    for (let row = this.rowOf.get(stopId) ?? -1; row >= 0; row = this.sameId[row] as number) this.cls[row] = c;
  }

  /** The reason of row `row` at `now`: its last classification in push order with ts <= now, else `fallback`. */
  reasonOfRow(row: number, now: number, fallback: string | null): string | null {
    return this.walk(this.cls[row] as number, now, fallback);
  }

  /** `reasonOfRow` for a stop id that may have no row (the new part of a split stop). */
  reasonOfId(stopId: string, now: number, fallback: string | null): string | null {
    return this.clsOf.size > 0 ? this.walk(this.clsOf.get(stopId) ?? -1, now, fallback) : fallback;
  }

  /** Walks back from the latest: the first one known at `now` is the last one in push order. */
  private walk(c: number, now: number, fallback: string | null): string | null {
    for (; c >= 0; c = this.clsPrev[c] as number) if ((this.clsTs[c] as number) <= now) return this.clsReason[c] as string;
    return fallback;
  }

  private grow(): void {
    const cap = this.start.length * 2;
    const f64 = (old: Float64Array) => {
      const a = new Float64Array(cap);
      a.set(old);
      return a;
    };
    const i32 = (old: Int32Array) => {
      const a = new Int32Array(cap);
      a.set(old);
      return a;
    };
    const isSetup = new Uint8Array(cap);
    isSetup.set(this.isSetup);
    this.start = f64(this.start);
    this.end = f64(this.end);
    this.isSetup = isSetup;
    this.cls = i32(this.cls);
    this.sameId = i32(this.sameId);
  }
}
