import type { ShiftInstance, shiftInstances } from '../../core/oee/calendar.ts';
import type { Calendar, Shift } from '../../core/plant.schema.ts';

/** The core calendar's `shiftInstances` (src/core/oee/calendar.ts), loaded after the first screen. */
export type ShiftInstancesFn = typeof shiftInstances;

export interface ShiftNow {
  /** The weekly shift or, on an extra shift's date, the extra shift (no weekdays of its own). */
  shift: Pick<Shift, 'id' | 'name'>;
  /** Shift start, ms since epoch. */
  start: number;
  /** Shift end, ms since epoch. */
  end: number;
  lengthMin: number;
  /** Planned minutes so far (breaks already passed are left out). */
  plannedSoFarMin: number;
}

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

/**
 * The shift occurrences around one UTC day, per calendar: the live timer asks every second, the
 * core calendar is asked once a day (and again when the plant, and so its calendar object, changes).
 */
const memo = new WeakMap<Calendar, { day: number; instances: ShiftInstance[] }>();

function instancesAround(calendar: Calendar, now: number, instancesOf: ShiftInstancesFn): ShiftInstance[] {
  const day = Math.floor(now / DAY_MS);
  const kept = memo.get(calendar);
  if (kept?.day === day) return kept.instances;
  // A shift is at most a day long: the one running anywhere in this UTC day started at most a day before it.
  const instances = instancesOf(calendar, (day - 1) * DAY_MS, (day + 1) * DAY_MS);
  memo.set(calendar, { day, instances });
  return instances;
}

/** The shift's name and id: the weekly pattern's, or the extra shift's of that date. */
function shiftOf(calendar: Calendar, id: string): Pick<Shift, 'id' | 'name'> {
  const eras = [calendar, ...(calendar.before ?? [])];
  for (const c of eras) {
    const weekly = c.shifts.find((s) => s.id === id);
    if (weekly) return weekly;
    for (const ex of c.exceptions) if (ex.kind === 'extra' && ex.shift.id === id) return ex.shift;
  }
  return { id, name: id };
}

/**
 * The shift running at `now` as the core calendar dates it (`shiftInstances`: the weekly pattern,
 * holidays that cancel shifts, extra shifts, overnight shifts, DST), the same occurrences the service
 * books OEE to. Null outside any shift.
 */
export function currentShift(calendar: Calendar, now: number, instancesOf: ShiftInstancesFn): ShiftNow | null {
  const inst = instancesAround(calendar, now, instancesOf).find((s) => s.start <= now && now < s.end);
  if (!inst) return null;
  let breakMs = 0;
  for (const [bs, be] of inst.breaks) breakMs += Math.max(0, Math.min(now, be) - bs);
  return {
    shift: shiftOf(calendar, inst.shiftId),
    start: inst.start,
    end: inst.end,
    lengthMin: Math.round((inst.end - inst.start) / MIN_MS),
    plannedSoFarMin: Math.floor((now - inst.start - breakMs) / MIN_MS),
  };
}
