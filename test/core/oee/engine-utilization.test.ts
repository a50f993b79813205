import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { EventMaker, H, MONDAY, makePlant } from './fixtures.ts';

/** Shifts on weekdays only, 06:00-14:00: Saturday 2025-01-11 has none. */
const plant = makePlant({ shifts: [{ id: 'early', name: 'Early', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '06:00', end: '14:00' }] });
const DAY = 24 * H;
const SATURDAY = MONDAY + 5 * DAY;

type Row = [name: string, from: number, to: number, now: number, utilization: number | null, teep: number | null];

// Monday: 8 h planned of 24, one 1-second part per second of the shift run => OEE 100 %.
const cases: Row[] = [
  ['a day without shifts', SATURDAY, SATURDAY + DAY, SATURDAY + DAY, 0, 0],
  ['a weekend, two days without shifts', SATURDAY, SATURDAY + 2 * DAY, SATURDAY + 2 * DAY, 0, 0],
  ['a working day', MONDAY, MONDAY + DAY, MONDAY + DAY, 8 / 24, 8 / 24],
  ['a week: 5 x 8 h over 7 x 24 h', MONDAY, MONDAY + 7 * DAY, MONDAY + 7 * DAY, 40 / 168, 8 / 168],
  ['no calendar time yet (now at the window start)', SATURDAY, SATURDAY + DAY, SATURDAY, null, null],
];

describe('utilization and TEEP: planned over calendar time, 0 % on a day without shifts', () => {
  it.each(cases)('%s', (_name, from, to, now, utilization, teep) => {
    const m = new EventMaker();
    const events = [m.count(MONDAY + 14 * H - 1, 8 * 3600)];
    const t = computeOee(plant, events, { from, to, now, by: 'window', lineIds: ['l1'] }).lines[0]!.total;
    expect(t.utilization === null ? null : Number(t.utilization.toFixed(6))).toBe(utilization === null ? null : Number(utilization.toFixed(6)));
    expect(t.teep === null ? null : Number(t.teep.toFixed(6))).toBe(teep === null ? null : Number(teep.toFixed(6)));
  });
});
