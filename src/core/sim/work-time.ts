import type { Calendar } from '../plant.schema.ts';
import { shiftInstances, type ShiftInstance } from '../oee/calendar.ts';

const DAY_MS = 86_400_000;
/** Shift instances are looked up a week at a time: time-zone math is the slow part. */
const SPAN_MS = 7 * DAY_MS;

/** Whether an instant is planned working time (in a shift, outside its breaks), and until when that holds. */
export interface WorkAt {
  isWorking: boolean;
  /** The next instant at which `isWorking` changes (Infinity when it never does within a year). */
  until: number;
  /** The shift instance holding the instant (breaks included), or null. */
  shift: ShiftInstance | null;
}

/**
 * The plant calendar's working time as a simulated machine lives it: it runs in shifts, stands in
 * breaks and outside shifts. Answers in O(log n) from a week of shift instances at a time.
 */
export class WorkTime {
  #from = Number.NaN;
  #to = Number.NaN;
  #shifts: ShiftInstance[] = [];

  constructor(private readonly calendar: Calendar) {}

  at(t: number): WorkAt {
    if (!(t >= this.#from && t < this.#to - DAY_MS)) this.#load(t);
    const shifts = this.#shifts;
    let lo = 0;
    let hi = shifts.length - 1;
    let shift: ShiftInstance | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = shifts[mid] as ShiftInstance;
      if (t < s.start) hi = mid - 1;
      else if (t >= s.end) lo = mid + 1;
      else {
        shift = s;
        break;
      }
    }
    if (!shift) {
      // `lo` is the first shift starting after t.
      const next = shifts[lo];
      return { isWorking: false, until: next ? next.start : this.#nextAfterSpan(t), shift: null };
    }
    for (const [bs, be] of shift.breaks) {
      if (t < bs) return { isWorking: true, until: bs, shift };
      if (t < be) return { isWorking: false, until: be, shift };
    }
    return { isWorking: true, until: shift.end, shift };
  }

  #load(t: number): void {
    this.#from = t - DAY_MS;
    this.#to = t + SPAN_MS;
    this.#shifts = shiftInstances(this.calendar, this.#from, this.#to);
  }

  /** No shift in the loaded span after `t`: look further ahead, up to a year, for the next one. */
  #nextAfterSpan(t: number): number {
    for (let from = this.#to; from < t + 365 * DAY_MS; from += SPAN_MS) {
      const next = shiftInstances(this.calendar, from, from + SPAN_MS).find((s) => s.start > t);
      if (next) return next.start;
    }
    return Number.POSITIVE_INFINITY;
  }
}
