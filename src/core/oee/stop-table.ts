/**
 * A line's stops as they are recorded, before splits, reasons and `now` are applied: one column per
 * field instead of one object per stop (a line-year has ~22 k stops, and their objects were a good
 * part of a batch recompute's garbage). Row `i` is the i-th stop opened; `end` is Infinity while open.
 */
export class StopTable {
  n = 0;
  readonly id: string[] = [];
  readonly start: number[] = [];
  readonly end: number[] = [];
  /** Reason given at the start, if any. */
  readonly reasonId: Array<string | null> = [];
  /** What an unclassified stop is booked to: true 'setup' (machine setup state, changeovers), false 'breakdown'. */
  readonly isSetup: boolean[] = [];

  /** Appends a stop and returns its row. */
  add(id: string, start: number, end: number, reasonId: string | null, isSetup: boolean): number {
    this.id.push(id);
    this.start.push(start);
    this.end.push(end);
    this.reasonId.push(reasonId);
    this.isSetup.push(isSetup);
    return this.n++;
  }
}

/**
 * Classifications of stops in push order (which is event order), as columns with a per-stop chain
 * back to the previous one, instead of a list of objects per stop.
 */
export class ClassifyLog {
  private readonly ts: number[] = [];
  private readonly reasonIds: string[] = [];
  /** Row of the same stop's previous classification, or -1. */
  private readonly prev: number[] = [];
  /** Stop id to the row of its latest classification. */
  private readonly latest = new Map<string, number>();

  get size(): number {
    return this.latest.size;
  }

  add(stopId: string, ts: number, reasonId: string): void {
    const prev = this.latest.get(stopId);
    this.ts.push(ts);
    this.reasonIds.push(reasonId);
    this.prev.push(prev === undefined ? -1 : prev);
    this.latest.set(stopId, this.ts.length - 1);
  }

  /**
   * The reason of the last classification of `stopId` in push order with ts <= `now`, or
   * `fallback` when there is none.
   */
  reasonAt(stopId: string, now: number, fallback: string | null): string | null {
    if (this.latest.size === 0) return fallback;
    let row = this.latest.get(stopId);
    // Walk back from the latest: the first one known at `now` is the last one in push order.
    while (row !== undefined && row >= 0) {
      if ((this.ts[row] as number) <= now) return this.reasonIds[row] as string;
      row = this.prev[row] as number;
    }
    return fallback;
  }
}
