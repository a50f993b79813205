import { describe, expect, it } from 'vitest';
import { apportion } from '../../../src/core/charts/apportion.ts';

const MIN = 60_000;
const S = 1000;

describe('parts written in whole minutes add up to their total as written', () => {
  it('gives the minute lost to rounding to the part with the largest remainder', () => {
    // 45 min 40 s + 7 min 40 s = 53 min 20 s: written "53 min", its parts 46 + 7, not 45 + 7.
    expect(apportion([45 * MIN + 40 * S, 7 * MIN + 40 * S], 53 * MIN + 20 * S, MIN)).toEqual([46 * MIN, 7 * MIN]);
  });

  it('keeps whole parts as they are and sums to the total for any split', () => {
    expect(apportion([30 * MIN, 20 * MIN], 50 * MIN, MIN)).toEqual([30 * MIN, 20 * MIN]);
    for (let a = 0; a < 200; a++) {
      const parts = [a * 7_919 % (40 * MIN), a * 104_729 % (20 * MIN), a * 1_299_709 % (9 * MIN)];
      const total = parts.reduce((x, y) => x + y, 0);
      const out = apportion(parts, total, MIN);
      expect(out.reduce((x, y) => x + y, 0)).toBe(Math.floor(total / MIN) * MIN);
      out.forEach((o, i) => expect(Math.abs(o - parts[i]!)).toBeLessThan(MIN));
    }
  });

  it('meets a total that differs from the parts, and never writes a part below zero', () => {
    expect(apportion([10 * MIN, 5 * MIN], 14 * MIN, MIN)).toEqual([10 * MIN, 4 * MIN]);
    expect(apportion([10 * MIN + 50 * S, 5 * MIN], 17 * MIN, MIN)).toEqual([11 * MIN, 6 * MIN]);
    expect(apportion([20 * S], 0, MIN)).toEqual([0]);
    // Far more in the parts than in the total: every part gives, none goes below zero.
    const out = apportion([760 * MIN, 3 * MIN], 400 * MIN, MIN);
    expect(out.reduce((x, y) => x + y, 0)).toBe(400 * MIN);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
    expect(apportion([], 5 * MIN, MIN)).toEqual([]);
  });
});
