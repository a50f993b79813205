import type { StoredEventInput } from '../storage/storage.ts';
import { HOUR_MS, LOOKBACK_MS, POINT_EVENTS, refsOf, type Reach } from './hourly-buckets.ts';

/** Hours to write, taken at once by a flush; `pending` says how far back stop-changing events reach, per line. */
export interface TakenHours {
  hours: number[];
  pending: Map<string, Reach>;
}

/**
 * The hours the bucket writer has to write again: each committed event marks its own hour, and
 * an event that may change a stop that began earlier (an end, a classification, a correction)
 * also records, per line, the stops it names (reachedFrom finds where they began). Such an event
 * also carries its line's state into the hours after it (a machine state that arrived late, a
 * stop begun days ago): with `until` (the current hour) those are marked up to it too.
 */
export class DirtyHours {
  readonly #hours = new Set<number>();
  readonly #reaches = new Map<string, Reach>();
  #inFlightFrom = Number.POSITIVE_INFINITY;

  get isEmpty(): boolean {
    return this.#hours.size === 0;
  }

  add(hour: number): void {
    this.#hours.add(hour);
  }

  mark(records: readonly StoredEventInput[], hourStart: (ts: number) => number, until?: number): void {
    let carriedFrom = Number.POSITIVE_INFINITY;
    for (const r of records) {
      const from = hourStart(r.correctedTs);
      this.#hours.add(from);
      if (POINT_EVENTS.has(r.event.type)) continue;
      carriedFrom = Math.min(carriedFrom, from);
      const line = r.event.lineId;
      const reach = this.#reaches.get(line) ?? this.#reaches.set(line, { hour: from, refs: new Set() }).get(line)!;
      reach.hour = Math.min(reach.hour, from);
      for (const ref of refsOf(r.event)) reach.refs.add(ref);
    }
    // Once per batch, not per event: a gateway's day of buffered signals is thousands of them.
    if (until !== undefined) for (let h = carriedFrom; h <= until; h = hourStart(h + HOUR_MS)) this.#hours.add(h);
  }

  /** A flush writes hours before those it took (a stop's first hour): stale from `from` until `done`. */
  writing(from: number): void {
    this.#inFlightFrom = Math.min(this.#inFlightFrom, from);
  }

  /** Takes every marked hour for a flush; they count as stale until `done`. */
  take(): TakenHours {
    const hours = [...this.#hours].sort((a, b) => a - b);
    const pending = new Map(this.#reaches);
    this.#hours.clear();
    this.#reaches.clear();
    this.#inFlightFrom = Math.min(hours[0] ?? Number.POSITIVE_INFINITY, ...[...pending.values()].map((r) => r.hour - LOOKBACK_MS));
    return { hours, pending };
  }

  /** Hours a failed flush took: marked again, merged with those marked since. */
  putBack(taken: TakenHours): void {
    for (const h of taken.hours) this.#hours.add(h);
    for (const [line, r] of taken.pending) {
      const now = this.#reaches.get(line);
      if (!now) this.#reaches.set(line, { hour: r.hour, refs: new Set(r.refs) });
      else {
        now.hour = Math.min(now.hour, r.hour);
        for (const ref of r.refs) now.refs.add(ref);
      }
    }
  }

  done(): void {
    this.#inFlightFrom = Number.POSITIVE_INFINITY;
  }

  /** Start of the earliest hour marked or being written. A loop, not Math.min(...hours): late events may mark more hours than a spread takes arguments. */
  staleFrom(): number {
    let from = this.#inFlightFrom;
    for (const h of this.#hours) from = Math.min(from, h);
    for (const r of this.#reaches.values()) from = Math.min(from, r.hour - LOOKBACK_MS);
    return from;
  }
}

/** Sorted hour starts as runs of consecutive hours, [start, end): each run is one engine run. */
export function consecutiveRuns(hours: readonly number[]): { start: number; end: number }[] {
  const runs: { start: number; end: number }[] = [];
  for (const h of hours) {
    const last = runs.at(-1);
    if (last && h - (last.end - HOUR_MS) <= HOUR_MS) last.end = Math.max(last.end, h + HOUR_MS);
    else runs.push({ start: h, end: h + HOUR_MS });
  }
  return runs;
}
