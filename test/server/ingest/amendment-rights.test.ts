import { describe, expect, it } from 'vitest';
import { calendarSchema } from '../../../src/core/plant.schema.ts';
import { currentShiftStart } from '../../../src/server/ingest/amendment-rights.ts';

// An operator's undo reaches back to the start of the current shift (amendment-rights.ts).
describe('currentShiftStart', () => {
  const calendar = calendarSchema.parse({
    timezone: 'Europe/Berlin',
    shifts: [{ id: 'early', name: 'Early', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '06:00', end: '14:00', breaks: [{ name: 'Lunch', start: '10:00', end: '10:30' }] }],
  });
  // Monday 5 January 2026; Berlin is UTC+1 in winter.
  const at = (day: number, hh: number, mm = 0) => Date.UTC(2026, 0, day, hh - 1, mm);

  it('is the start of the running shift, breaks included', () => {
    expect(currentShiftStart(calendar, at(5, 6))).toBe(at(5, 6));
    expect(currentShiftStart(calendar, at(5, 10, 15))).toBe(at(5, 6));
    expect(currentShiftStart(calendar, at(5, 13, 59))).toBe(at(5, 6));
  });

  it('between shifts, is the end of the last one, at most a day back', () => {
    expect(currentShiftStart(calendar, at(5, 14))).toBe(at(5, 14));
    expect(currentShiftStart(calendar, at(5, 20))).toBe(at(5, 14));
    expect(currentShiftStart(calendar, at(6, 5))).toBe(at(5, 14));
    // Sunday evening: Friday's shift ended more than a day ago.
    expect(currentShiftStart(calendar, at(11, 20))).toBe(at(11, 20) - 86_400_000);
  });
});
