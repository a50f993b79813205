import { TZDate } from '@date-fns/tz';

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

/** A calendar date in some time zone; `m` is 0-based. */
export interface LocalDate {
  y: number;
  m: number;
  d: number;
}

/** The instant of local wall time y-m-d hh:mm in `tz` (a time skipped by DST maps forward). */
export function tzInstant(date: LocalDate, minutes: number, tz: string): number {
  return new TZDate(date.y, date.m, date.d, Math.floor(minutes / 60), minutes % 60, tz).getTime();
}

/**
 * `tzInstant` for many wall times in one zone, as a year's plan needs (~15 per day): each day's UTC
 * offset is found once from its two local midnights, and a day whose offset is the same at both
 * and which is 24 h long has no DST change, so any wall time on it is UTC wall time minus that
 * offset. Days with a change (and odd inputs) go through the time-zone library as before. The
 * library's time-zone math was a third of a line-year's batch time before plans were memoised,
 * and still the bulk of the first year-long plan of a process (docs/benchmarks.md).
 */
export class LocalClock {
  /** Local midnight instants, keyed by the date's UTC midnight. */
  private readonly midnights = new Map<number, number>();
  /** Offset (UTC wall minus instant) of days without a DST change, else null. */
  private readonly offsets = new Map<number, number | null>();

  constructor(readonly tz: string) {}

  instant(date: LocalDate, minutes: number): number {
    if (!(Number.isInteger(minutes) && minutes >= 0 && minutes < 1440)) return tzInstant(date, minutes, this.tz);
    const u0 = Date.UTC(date.y, date.m, date.d);
    let off = this.offsets.get(u0);
    if (off === undefined) {
      const m0 = this.midnight(u0);
      const m1 = this.midnight(u0 + DAY_MS);
      off = u0 - m0 === u0 + DAY_MS - m1 && m1 - m0 === DAY_MS ? u0 - m0 : null;
      this.offsets.set(u0, off);
    }
    return off === null ? tzInstant(date, minutes, this.tz) : u0 + minutes * MIN_MS - off;
  }

  private midnight(u: number): number {
    let m = this.midnights.get(u);
    if (m === undefined) {
      const d = new Date(u);
      m = tzInstant({ y: d.getUTCFullYear(), m: d.getUTCMonth(), d: d.getUTCDate() }, 0, this.tz);
      this.midnights.set(u, m);
    }
    return m;
  }
}
