import { describe, expect, it, vi } from 'vitest';
import { currentShift } from '../../../src/app/domain/current-shift.ts';
import { shiftInstances } from '../../../src/core/oee/calendar.ts';
import { calendarSchema } from '../../../src/core/plant.schema.ts';

const calendar = calendarSchema.parse({
  timezone: 'Europe/Berlin',
  shifts: [
    { id: 'early', name: 'Early', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '06:00', end: '14:00', breaks: [{ name: 'Lunch', start: '10:00', end: '10:30' }] },
    { id: 'night', name: 'Night', days: ['fri'], start: '22:00', end: '06:00', breaks: [{ name: 'Night break', start: '01:00', end: '01:30' }] },
  ],
  exceptions: [
    // Saturday 2026-03-07: an extra shift, with a break.
    { kind: 'extra', date: '2026-03-07', name: 'Saturday special', shift: { id: 'sat-extra', name: 'Saturday extra', start: '08:00', end: '12:00', breaks: [{ name: 'Coffee', start: '10:00', end: '10:15' }] } },
    // Tuesday 2026-03-03: a holiday, every shift cancelled.
    { kind: 'holiday', date: '2026-03-03', name: 'Plant holiday' },
    // Wednesday 2026-03-04: only the night shift... which does not run on Wednesdays; early stays.
    { kind: 'holiday', date: '2026-03-04', name: 'Half holiday', shiftIds: ['night'] },
  ],
});
// 2026-03-02 is a Monday; Berlin is UTC+1 in March (before the DST switch on the 29th).
const berlin = (day: number, hh: number, mm = 0) => Date.UTC(2026, 2, day, hh - 1, mm);

describe('currentShift (the core calendar)', () => {
  it('finds the running shift and its planned minutes so far, breaks left out', () => {
    const s = currentShift(calendar, berlin(2, 11, 0), shiftInstances);
    expect(s?.shift.id).toBe('early');
    expect(s?.start).toBe(berlin(2, 6, 0));
    expect(s?.end).toBe(berlin(2, 14, 0));
    expect(s?.lengthMin).toBe(480);
    expect(s?.plannedSoFarMin).toBe(300 - 30);
    // Inside the break: the break's minutes so far are not planned.
    expect(currentShift(calendar, berlin(2, 10, 10), shiftInstances)?.plannedSoFarMin).toBe(240);
  });
  it('counts an overnight shift to the day it started, with its break after midnight', () => {
    const s = currentShift(calendar, berlin(7, 2, 0), shiftInstances); // Saturday 02:00, started Friday 22:00
    expect(s?.shift.id).toBe('night');
    expect(s?.start).toBe(berlin(6, 22, 0));
    expect(s?.end).toBe(berlin(7, 6, 0));
    expect(s?.plannedSoFarMin).toBe(240 - 30);
    expect(currentShift(calendar, berlin(8, 2, 0), shiftInstances)).toBeNull(); // Sunday 02:00: no Saturday night shift
  });
  it('shows an extra shift of the calendar exceptions, by its own name', () => {
    const s = currentShift(calendar, berlin(7, 11, 0), shiftInstances); // Saturday: no weekly shift
    expect(s?.shift).toMatchObject({ id: 'sat-extra', name: 'Saturday extra' });
    expect(s?.start).toBe(berlin(7, 8, 0));
    expect(s?.lengthMin).toBe(240);
    expect(s?.plannedSoFarMin).toBe(180 - 15);
    expect(currentShift(calendar, berlin(7, 12, 0), shiftInstances)).toBeNull();
  });
  it('shows no shift on a holiday, and only the cancelled shifts of a partial one', () => {
    expect(currentShift(calendar, berlin(3, 11, 0), shiftInstances)).toBeNull(); // Tuesday: plant holiday
    expect(currentShift(calendar, berlin(4, 11, 0), shiftInstances)?.shift.id).toBe('early'); // Wednesday: only night cancelled
  });
  it('is null outside every shift', () => {
    expect(currentShift(calendar, berlin(2, 15, 0), shiftInstances)).toBeNull();
  });
  it('asks the core calendar once a day per calendar, not once a second', () => {
    const spy = vi.fn(shiftInstances);
    const own = calendarSchema.parse(calendar);
    for (let s = 0; s < 3600; s++) currentShift(own, berlin(2, 9, 0) + s * 1000, spy);
    expect(spy).toHaveBeenCalledTimes(1);
    currentShift(own, berlin(3, 9, 0), spy);
    expect(spy).toHaveBeenCalledTimes(2);
  });
  it('agrees with the core calendar on every minute of a week (one truth)', () => {
    for (let t = berlin(2, 0, 0); t < berlin(9, 0, 0); t += 7 * 60_000) {
      const core = shiftInstances(calendar, t, t + 1).find((i) => i.start <= t && t < i.end) ?? null;
      const tablet = currentShift(calendar, t, shiftInstances);
      expect(tablet && { id: tablet.shift.id, start: tablet.start, end: tablet.end }).toEqual(core && { id: core.shiftId, start: core.start, end: core.end });
    }
  });
});
