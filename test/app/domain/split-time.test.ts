import { describe, expect, it } from 'vitest';
import { askedMinutes, askedSeconds, splitOffset, splitRange, withMinutes, withSeconds } from '../../../src/app/domain/split-time.ts';

describe("the split sheet's minutes and seconds", () => {
  const range = splitRange(70_000); // a stop of 1:10: splits from 0:01 to 1:09

  it('keeps the seconds typed after a split was moved inside the stop when the minutes are lowered (UX walk: 0:09, not 0:59)', () => {
    let asked = withMinutes(35, 2); // 2:35 typed: past the stop's end
    expect(splitOffset(asked, range)).toBe(69);
    asked = withSeconds(asked, 59); // 2:59, still past the end
    expect(splitOffset(asked, range)).toBe(69);
    expect([askedMinutes(asked), askedSeconds(asked)]).toEqual([2, 59]);
    asked = withMinutes(asked, 0);
    expect([askedMinutes(asked), askedSeconds(asked)]).toEqual([0, 59]);
    expect(splitOffset(asked, range)).toBe(59);
  });

  it('carries seconds over 59 into the minutes, and moves a time before the start to a second in', () => {
    expect(withSeconds(60, 75)).toBe(135);
    expect([askedMinutes(135), askedSeconds(135)]).toEqual([2, 15]);
    expect(splitOffset(withSeconds(0, 0), range)).toBe(1);
    expect(withMinutes(10, Number.NaN)).toBe(10);
    expect(withSeconds(61, -5)).toBe(60);
  });

  it('keeps every split at least a second inside each end, also of a stop of two seconds', () => {
    expect(splitRange(2000)).toEqual({ firstS: 1, lastS: 1 });
    expect(splitRange(70_999)).toEqual({ firstS: 1, lastS: 69 });
  });
});
