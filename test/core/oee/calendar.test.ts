import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { shiftInstances } from '../../../src/core/oee/calendar.ts';
import { EventMaker, H, MIN, makePlant } from './fixtures.ts';

const berlin = makePlant({
  timezone: 'Europe/Berlin',
  shifts: [
    { id: 'day', name: 'Day', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '06:00', end: '14:00', breaks: [{ name: 'lunch', start: '10:00', end: '10:30' }] },
    { id: 'night', name: 'Night', days: ['sat'], start: '22:00', end: '06:00', breaks: [{ name: 'midnight', start: '23:45', end: '00:15' }] },
  ],
  exceptions: [
    { kind: 'holiday', date: '2025-04-21', name: 'Easter Monday' },
    { kind: 'holiday', date: '2025-04-22', name: 'Half', shiftIds: ['night'] },
    { kind: 'extra', date: '2025-04-21', name: 'Stock take', shift: { id: 'extra', name: 'Extra', start: '18:00', end: '20:00', breaks: [] } },
  ],
});
const DST_START_SAT = Date.UTC(2025, 2, 28, 23); // Sat 2025-03-29 00:00 CET
const DST_END_SAT = Date.UTC(2025, 9, 24, 22); // Sat 2025-10-25 00:00 CEST

describe('calendar: shifts in the plant time zone', () => {
  it.each([
    ['spring forward shortens the night shift to 7 h (minus a 30 min break)', DST_START_SAT, 6.5 * H],
    ['fall back lengthens it to 9 h (minus a 30 min break)', DST_END_SAT, 8.5 * H],
  ])('%s', (_name, saturday, nightPlanned) => {
    const r = computeOee(berlin, [], { from: saturday, to: saturday + 3 * 24 * H, now: saturday + 3 * 24 * H, by: 'shift' });
    const night = r.lines[0]?.buckets.filter((b) => b.shiftId === 'night');
    expect(night).toHaveLength(1);
    expect(night?.[0]?.plannedMs).toBe(nightPlanned);
    expect(r.lines[0]?.buckets.filter((b) => b.shiftId === 'day').every((b) => b.plannedMs === 7.5 * H)).toBe(true);
  });

  it('cuts day buckets at local midnight: 23 h and 25 h days at the DST changes', () => {
    const spring = computeOee(berlin, [], { from: DST_START_SAT, to: DST_START_SAT + 48 * H, now: DST_START_SAT + 48 * H, by: 'day' });
    // Buckets are whole local days; the time inside the window is their allTimeMs.
    expect(spring.lines[0]?.buckets.map((b) => (b.end - b.start) / H)).toEqual([24, 23, 24]);
    expect(spring.lines[0]?.buckets.map((b) => b.allTimeMs / H)).toEqual([24, 23, 1]);
    const hours = computeOee(berlin, [], { from: DST_START_SAT + 24 * H, to: DST_START_SAT + 47 * H, now: DST_START_SAT + 47 * H, by: 'hour' });
    expect(hours.lines[0]?.buckets).toHaveLength(23);
  });

  it('splits the overnight shift between the two days it spans', () => {
    const r = computeOee(berlin, [], { from: DST_END_SAT, to: DST_END_SAT + 49 * H, now: DST_END_SAT + 49 * H, by: 'day' });
    const [sat, sun] = r.lines[0]?.buckets ?? [];
    // Saturday: day shift 7.5 h + night 22:00-23:45 (1.75 h). Sunday: 00:15-06:00 in a 25 h day (6.75 h) + day shift 7.5 h.
    expect(sat?.plannedMs).toBe(9.25 * H);
    expect(sun?.plannedMs).toBe(14.25 * H);
  });

  it('applies holidays (all shifts or named ones) and extra shifts', () => {
    const from = Date.UTC(2025, 3, 20, 22); // Mon 2025-04-21 00:00 CEST
    const inst = shiftInstances(berlin.calendar, from, from + 48 * H);
    expect(inst.map((i) => i.shiftId)).toEqual(['extra', 'day']);
    expect(inst[0]?.end).toBe(inst[0]!.start + 2 * H);
  });

  it('books a stop across a shift change to both shifts, counted once', () => {
    const plant = makePlant({
      shifts: [
        { id: 'a', name: 'A', days: ['mon'], start: '06:00', end: '14:00' },
        { id: 'b', name: 'B', days: ['mon'], start: '14:00', end: '22:00' },
      ],
    });
    const mon = Date.UTC(2025, 0, 6);
    const m = new EventMaker();
    const r = computeOee(plant, m.stop(mon + 13 * H, mon + 15 * H), { from: mon, to: mon + 24 * H, now: mon + 24 * H, by: 'shift' });
    const [a, b] = r.lines[0]?.buckets ?? [];
    expect([a?.stopMs, b?.stopMs, a?.stopCount, b?.stopCount]).toEqual([60 * MIN, 60 * MIN, 1, 0]);
    expect(r.lines[0]?.total.stopCount).toBe(1);
  });
});
