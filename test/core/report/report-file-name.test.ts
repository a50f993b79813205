import { describe, expect, it } from 'vitest';
import { reportFileName } from '../../../src/core/report/report-file-name.ts';

describe('report file names', () => {
  it('say the shift start in the plant time zone, not UTC, across a DST change', () => {
    // 14:00 in Berlin is 13:00 UTC in winter and 12:00 UTC in summer.
    expect(reportFileName('shift-report-turn-1', Date.UTC(2026, 11, 4, 13), 'Europe/Berlin', 'pdf')).toBe('shift-report-turn-1-2026-12-04T1400.pdf');
    expect(reportFileName('turn-1', Date.UTC(2026, 6, 4, 12), 'Europe/Berlin', 'csv')).toBe('turn-1-2026-07-04T1400.csv');
    // A night shift starting 22:00 local is dated the local day it starts.
    expect(reportFileName('r', Date.UTC(2026, 11, 4, 21), 'Europe/Berlin', 'pdf')).toBe('r-2026-12-04T2200.pdf');
    expect(reportFileName('r', Date.UTC(2026, 11, 4, 23, 30), 'Europe/Berlin', 'pdf')).toBe('r-2026-12-05T0030.pdf');
  });
});
