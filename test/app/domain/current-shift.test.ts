import { describe, expect, it } from 'vitest';
import { currentShift } from '../../../src/app/domain/current-shift.ts';
import { calendarSchema } from '../../../src/core/plant.schema.ts';

const calendar = calendarSchema.parse({
  timezone: 'Europe/Berlin',
  shifts: [
    { id: 'early', name: 'Early', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '06:00', end: '14:00', breaks: [{ name: 'Lunch', start: '10:00', end: '10:30' }] },
    { id: 'night', name: 'Night', days: ['fri'], start: '22:00', end: '06:00' },
  ],
});
// 2026-03-02 is a Monday; Berlin is UTC+1 in March (before the DST switch on the 29th).
const berlin = (day: number, hh: number, mm = 0) => Date.UTC(2026, 2, day, hh - 1, mm);

describe('currentShift', () => {
  it('finds the running shift and its planned minutes so far, breaks left out', () => {
    const s = currentShift(calendar, berlin(2, 11, 0));
    expect(s?.shift.id).toBe('early');
    expect(s?.start).toBe(berlin(2, 6, 0));
    expect(s?.lengthMin).toBe(480);
    expect(s?.plannedSoFarMin).toBe(300 - 30);
  });
  it('counts a shift past midnight to the day it started', () => {
    expect(currentShift(calendar, berlin(7, 2, 0))?.shift.id).toBe('night'); // Saturday 02:00, started Friday
    expect(currentShift(calendar, berlin(8, 2, 0))).toBeNull(); // Sunday 02:00: no Saturday night shift
  });
  it('is null outside every shift', () => {
    expect(currentShift(calendar, berlin(2, 15, 0))).toBeNull();
  });
});
