import type { Calendar, Shift } from '../../core/plant.schema.ts';
import { weekdays } from '../../core/plant.schema.ts';

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

// Building an Intl formatter is costly (time-zone data), and the live timer asks every second.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timezone: string): Intl.DateTimeFormat {
  // The same options as the plant schema's time-zone check (src/core/plant.schema.ts): V8 reuses
  // the ICU formatter that check built, so the cold start does not build a second one.
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timezone, f);
  }
  return f;
}

/** Local weekday index (0 = mon) and minute of day of `now` in `timezone`. */
function localClock(now: number, timezone: string): { day: number; minute: number } {
  const parts = formatterFor(timezone).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = weekdays.indexOf(get('weekday').toLowerCase().slice(0, 3) as (typeof weekdays)[number]);
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

export interface ShiftNow {
  shift: Shift;
  /** Shift start, ms since epoch. */
  start: number;
  lengthMin: number;
  /** Planned minutes so far (breaks already passed are left out). */
  plannedSoFarMin: number;
}

/**
 * The weekly-pattern shift running at `now` (dated exceptions are the service's business; the
 * tablet only needs the shift for its own progress bar). Null outside any shift.
 */
export function currentShift(calendar: Calendar, now: number): ShiftNow | null {
  const { day, minute } = localClock(now, calendar.timezone);
  for (const shift of calendar.shifts) {
    const start = minutesOf(shift.start);
    const end = minutesOf(shift.end);
    const lengthMin = (end - start + 1440) % 1440 || 1440;
    const elapsed = (minute - start + 1440) % 1440;
    const startDay = elapsed > minute ? (day + 6) % 7 : day; // started yesterday when past midnight
    if (elapsed >= lengthMin || !shift.days.includes(weekdays[startDay]!)) continue;
    let breaks = 0;
    for (const b of shift.breaks) {
      const bs = (minutesOf(b.start) - start + 1440) % 1440;
      const be = (minutesOf(b.end) - start + 1440) % 1440;
      breaks += Math.max(0, Math.min(elapsed, be) - bs);
    }
    const startMs = now - elapsed * 60_000 - (now % 60_000);
    return { shift, start: startMs, lengthMin, plannedSoFarMin: elapsed - breaks };
  }
  return null;
}
