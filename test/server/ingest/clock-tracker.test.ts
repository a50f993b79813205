import { describe, expect, it } from 'vitest';
import { ClockTracker, correctTs } from '../../../src/server/ingest/clock-tracker.ts';

describe('clock offset per device', () => {
  const t0 = 1_800_000_000_000;

  it('corrects a device running ahead by the largest recent sample', () => {
    const c = new ClockTracker(60_000);
    expect(c.observe('d', t0 + 90_000 - 300, t0)).toEqual({ estimateMs: 89_700, appliedMs: 89_700, isFlagged: true });
    // A later batch delayed in the outbox does not drag the estimate down.
    expect(c.observe('d', t0 + 50_000, t0 + 10_000).estimateMs).toBe(89_700);
    expect(correctTs(t0 + 90_000, 89_700, t0 + 1000)).toBe(t0 + 300);
  });

  it('does not move a backlog to the present, and flags a clock behind only after two minutes of evidence', () => {
    const c = new ClockTracker(60_000);
    const backlog = c.observe('d', t0 - 3 * 3600_000, t0);
    expect(backlog).toMatchObject({ appliedMs: 0, isFlagged: false });
    expect(c.observe('d', t0 + 60_000 - 300_000, t0 + 60_000).isFlagged).toBe(false);
    expect(c.observe('d', t0 + 130_000 - 300_000, t0 + 130_000)).toMatchObject({ estimateMs: -300_000, appliedMs: 0, isFlagged: true });
  });

  it('forgets samples after a reconnect and after ten minutes', () => {
    const c = new ClockTracker(60_000);
    c.observe('d', t0 + 120_000, t0);
    c.reset('d');
    expect(c.observe('d', t0 + 1000, t0 + 1000).estimateMs).toBe(0);
    c.observe('e', t0 + 120_000, t0);
    expect(c.observe('e', t0 + 11 * 60_000, t0 + 11 * 60_000).estimateMs).toBe(0);
  });

  it('never places an event after its receipt', () => {
    expect(correctTs(t0 + 5000, 0, t0)).toBe(t0);
  });
});
