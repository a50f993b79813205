import { describe, expect, it } from 'vitest';
import { formats } from '../../../src/core/format.ts';
import { targetDigits } from '../../../src/app/dashboard/services/target-digits.ts';

const de = formats('de');
const beside = (oee: number, target: number) => {
  const d = targetDigits(oee, target);
  return `${de.percent(oee, d)} · Ziel ${de.percent(target, d)}`.replace(/\u00a0/g, ' ');
};

describe('OEE beside its target on the board and the line view', () => {
  it('never reads at target while below it: 79.6 % at a target of 80 % gets a decimal', () => {
    expect(beside(0.796, 0.8)).toBe('79,6 % · Ziel 80,0 %');
    expect(beside(0.7996, 0.8)).toBe('79,96 % · Ziel 80,00 %');
    expect(beside(0.804, 0.8)).toBe('80,4 % · Ziel 80,0 %');
  });

  it('keeps whole percents where they already differ, and at the target itself', () => {
    expect(beside(0.75, 0.8)).toBe('75 % · Ziel 80 %');
    expect(beside(0.8, 0.8)).toBe('80 % · Ziel 80 %');
    expect(targetDigits(null, 0.8)).toBe(0);
  });
});

describe('the line view: at least one decimal, as the shift report writes OEE', () => {
  const lineView = (oee: number, target: number) => {
    const d = targetDigits(oee, target, 1);
    return `${de.percent(oee, d)} · Ziel ${de.percent(target, d)}`.replace(/\u00a0/g, ' ');
  };
  it('writes 65.5 % as the report does, not 66 %', () => {
    expect(lineView(0.655, 0.8)).toBe('65,5 % · Ziel 80,0 %');
    expect(lineView(0.8, 0.8)).toBe('80,0 % · Ziel 80,0 %');
    expect(targetDigits(null, 0.8, 1)).toBe(1);
  });
  it('still adds a digit where one decimal would read at target while below it', () => {
    expect(lineView(0.7996, 0.8)).toBe('79,96 % · Ziel 80,00 %');
  });
});
