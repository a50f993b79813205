import { localBoundaries, shiftInstances } from '../oee/calendar.ts';
import type { Calendar } from '../plant.schema.ts';

/** A window a lead can open: a shift occurrence or a local day. */
export interface ViewWindow {
  kind: 'shift' | 'day';
  from: number;
  to: number;
  shiftId: string | null;
}

const DAY = 86_400_000;

/** The shift running at `now`, or the local day when none runs (stops outside shifts still show). */
export function currentWindow(calendar: Calendar, now: number): ViewWindow {
  const shift = shiftInstances(calendar, now - DAY, now + 1).find((s) => s.start <= now && now < s.end);
  if (shift) return { kind: 'shift', from: shift.start, to: shift.end, shiftId: shift.shiftId };
  return dayWindow(calendar, now);
}

/** The local day holding `ts`. */
export function dayWindow(calendar: Calendar, ts: number): ViewWindow {
  const [from = ts, to = ts + DAY] = localBoundaries(calendar.timezone, ts, ts + 1, 'day');
  return { kind: 'day', from, to, shiftId: null };
}

/** Shift occurrences that started in the last `days` days, newest first (the past-shift picker). */
export function recentShifts(calendar: Calendar, now: number, days = 7): ViewWindow[] {
  return shiftInstances(calendar, now - days * DAY, now + 1)
    .filter((s) => s.start <= now)
    .map((s) => ({ kind: 'shift' as const, from: s.start, to: s.end, shiftId: s.shiftId }))
    .reverse();
}

/** Planned spans (shifts with breaks) overlapping a window, for the state timeline. */
export function plannedSpans(calendar: Calendar, from: number, to: number) {
  return shiftInstances(calendar, from, to).map((s) => ({ start: s.start, end: s.end, breaks: s.breaks }));
}
