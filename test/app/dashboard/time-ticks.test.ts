import { describe, expect, it } from 'vitest';
import { timeTicks } from '../../../src/app/dashboard/services/time-ticks.ts';

const H = 3_600_000;
const DAY0 = Date.UTC(2026, 11, 4);

/** Label boxes [left, right) of the labelled ticks. */
const boxes = (from: number, to: number, width: number, label: number) =>
  timeTicks(from, to, width, label)
    .filter((t) => t.labelX !== null)
    .map((t) => [t.labelX!, t.labelX! + label] as const);

describe('the state timeline\'s time axis', () => {
  // A lead's line view at 1024 and 1280 px (the figure is a little narrower), "10:00 PM" about 52 px at 12 px.
  for (const width of [960, 1200]) {
    for (const [name, from, to] of [['8 h shift', DAY0 + 6 * H, DAY0 + 14 * H], ['24 h day', DAY0, DAY0 + 24 * H], ['night shift', DAY0 + 22 * H, DAY0 + 30 * H]] as const) {
      it(`never lets two labels touch or leave the axis: ${name} at ${width} px`, () => {
        const b = boxes(from, to, width, 52);
        expect(b.length).toBeGreaterThan(3);
        for (const [l, r] of b) expect(l >= 0 && r <= width).toBe(true);
        for (let i = 1; i < b.length; i++) expect(b[i]![0]).toBeGreaterThanOrEqual(b[i - 1]![1] + 12);
      });
    }
  }

  it('labels every hour of a shift where there is room, and fewer hours of a day', () => {
    const shift = timeTicks(DAY0 + 6 * H, DAY0 + 14 * H, 1200, 52);
    expect(shift.map((t) => (t.t - DAY0) / H)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const day = timeTicks(DAY0, DAY0 + 24 * H, 960, 52);
    expect(day.map((t) => (t.t - DAY0) / H)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
    // The first and last labels are pushed inside the axis, never cut.
    expect(day[0]!.labelX).toBe(0);
    expect(day.at(-1)!.labelX).toBe(960 - 52);
  });

  it('leaves out a label that would still touch its neighbour at an end, keeping its tick', () => {
    // 05:50 to 14:00 at 560 px: the 14:00 label is pushed left onto the 13:00 one's room.
    const t = timeTicks(DAY0 + 5 * H + 50 * 60_000, DAY0 + 14 * H, 560, 52);
    expect(t.at(-1)!.labelX).toBe(560 - 52);
    expect(t.at(-2)!.labelX).toBeNull();
    const labelled = t.filter((x) => x.labelX !== null);
    expect(t.length).toBeGreaterThan(labelled.length);
    for (let i = 1; i < labelled.length; i++) expect(labelled[i]!.labelX!).toBeGreaterThanOrEqual(labelled[i - 1]!.labelX! + 52 + 12);
  });

  it("puts a day's ticks on the reader's clock hours (the labels' zone), not on UTC's", () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Europe/Berlin';
    try {
      // Berlin's day of 4 December 2026: 23:00 UTC to 23:00 UTC.
      const day = timeTicks(DAY0 - H, DAY0 + 23 * H, 960, 52);
      expect(day.map((t) => new Date(t.t).getHours())).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 0]);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});

