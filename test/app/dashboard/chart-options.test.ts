import { describe, expect, it } from 'vitest';
import type uPlot from 'uplot';
import { formats } from '../../../src/core/format.ts';
import { apqOptions, fromZero, hourlyOptions, showLonePoints, trendOptions } from '../../../src/app/dashboard/services/chart-options.ts';

const opts = hourlyOptions(formats('en', 'UTC'), { good: 'Good', target: 'Target', cumGood: 'Cumulative good', cumTarget: 'Cumulative target' });
/** A scale's range as uPlot asks it of the options: from the data's lowest and highest value. */
const rangeOf = (key: string, min: number, max: number) => {
  const range = opts.scales?.[key]?.range;
  if (typeof range !== 'function') throw new Error(`scale ${key} has no range function`);
  return range({} as uPlot, min, max, key);
};

describe('production per hour chart', () => {
  it('starts its bars and cumulative lines at y = 0, however high the lowest hour is', () => {
    // Hours of 412 to 637 parts: uPlot's own range would start near 380, making small differences look huge.
    expect(rangeOf('n', 412, 637)[0]).toBe(0);
    expect(rangeOf('n', 412, 637)[1]).toBeGreaterThanOrEqual(637);
    expect(rangeOf('c', 5_000, 9_000)[0]).toBe(0);
    expect(rangeOf('c', 5_000, 9_000)[1]).toBeGreaterThanOrEqual(9_000);
  });

  it('shows 0 to 1 before anything is made', () => {
    expect(fromZero({} as uPlot, 0, 0, 'n')).toEqual([0, 1]);
    expect(fromZero({} as uPlot, null as unknown as number, null as unknown as number, 'n')).toEqual([0, 1]);
  });
});

describe('percent charts', () => {
  it('leave room for "100 %" on their axis (uPlot\'s 50 px cut the German label\'s "1")', () => {
    for (const o of [apqOptions(formats('de', 'UTC'), { oee: 'OEE', a: 'V', p: 'L', q: 'Q' }, 85), trendOptions(formats('de', 'UTC'), ['A'])]) expect(o.axes![1]!.size).toBeGreaterThanOrEqual(60);
  });

  it('show a lone value as a point: the first hour of a shift drew no line at all', () => {
    const u = (values: (number | null)[]) => ({ data: [[], values] }) as unknown as uPlot;
    expect(showLonePoints(u([97, null, null, null]), 1)).toBe(true);
    expect(showLonePoints(u([80, null, 90, 95]), 1)).toBe(true);
    expect(showLonePoints(u([80, 85, 90, null]), 1)).toBe(false);
    expect(showLonePoints(u([null, null]), 1)).toBe(false);
  });
});
