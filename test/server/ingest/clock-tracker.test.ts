import { describe, expect, it } from 'vitest';
import { ClockTracker, correctTs } from '../../../src/server/ingest/clock-tracker.ts';

describe('clock offset per device', () => {
  const t0 = 1_800_000_000_000;

  it('corrects a device running ahead by the median of its recent samples', () => {
    const c = new ClockTracker(60_000);
    expect(c.observe('d', t0 + 90_000 - 300, t0)).toEqual({ estimateMs: 89_700, appliedMs: 89_700, isFlagged: true });
    c.observe('d', t0 + 1000 + 89_800, t0 + 1000);
    c.observe('d', t0 + 2000 + 89_700, t0 + 2000);
    // A later batch delayed in the outbox does not drag the estimate down.
    expect(c.observe('d', t0 + 50_000, t0 + 10_000).estimateMs).toBe(89_700);
    expect(correctTs(t0 + 90_000, 89_700, t0 + 1000)).toBe(t0 + 300);
  });

  // Issue 11, defect 5: with the largest sample as the estimate, one event a year ahead shifted
  // every later event of its device by a year for ten minutes.
  it('is not moved by one event far ahead among ordinary ones', () => {
    const c = new ClockTracker(60_000);
    for (let i = 0; i < 3; i++) c.observe('d', t0 + i * 1000 - 50, t0 + i * 1000);
    const outlier = c.observe('d', t0 + 3000 + 20 * 3600_000, t0 + 3000);
    expect(outlier.appliedMs).toBe(0);
    expect(c.observe('d', t0 + 4000 - 20, t0 + 4000)).toMatchObject({ appliedMs: 0, isFlagged: false });
    // Right after a connect, one outlier against one ordinary sample: the lower one wins.
    c.reset('e');
    c.observe('e', t0 + 20 * 3600_000, t0);
    expect(c.observe('e', t0 + 1000, t0 + 1000).appliedMs).toBe(0);
  });

  it('follows a clock that really moved once most recent samples agree', () => {
    const c = new ClockTracker(60_000);
    for (let i = 0; i < 5; i++) c.observe('d', t0 + i * 1000, t0 + i * 1000);
    const moved = [5, 6, 7, 8, 9, 10].map((i) => c.observe('d', t0 + i * 1000 + 3600_000, t0 + i * 1000).appliedMs);
    expect(moved).toEqual([0, 0, 0, 0, 0, 3600_000]);
  });

  it('refuses times beyond the bounds, after the offset ahead and at receipt behind', () => {
    const c = new ClockTracker(60_000, { maxAheadMs: 24 * 3600_000, maxAgeMs: 31 * 24 * 3600_000 });
    expect(c.isPlausible(t0 + 24 * 3600_000, t0)).toBe(true);
    expect(c.isPlausible(t0 + 24 * 3600_000 + 1, t0)).toBe(false);
    expect(c.isBeyondBounds(t0 + 366 * 24 * 3600_000, 0, t0)).toMatch(/ahead of the service clock/);
    // A device 20 h ahead (a wrong time zone) is corrected, not refused.
    expect(c.isBeyondBounds(t0 + 30 * 3600_000, 20 * 3600_000, t0)).toBeNull();
    expect(c.isBeyondBounds(t0 - 30 * 24 * 3600_000, 0, t0)).toBeNull();
    expect(c.isBeyondBounds(0, 0, t0)).toMatch(/before its receipt/);
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

describe('clock offset: the estimate is the median of the window', () => {
  /** The definition: the newest 15 samples of the last ten minutes, their lower median. */
  function reference(samples: { offsetMs: number; at: number }[], limitMs: number, receivedAt: number) {
    const inWindow = samples.filter((s) => receivedAt - s.at <= 10 * 60_000);
    const sorted = inWindow.slice(-15).map((s) => s.offsetMs).sort((a, b) => a - b);
    const estimateMs = sorted[(sorted.length - 1) >> 1]!;
    const appliedMs = Math.max(0, estimateMs);
    // The evidence span runs from the oldest sample still in the window.
    const spanMs = receivedAt - inWindow[0]!.at;
    return { estimateMs, appliedMs, isFlagged: appliedMs > limitMs || (estimateMs < -limitMs && spanMs >= 2 * 60_000) };
  }

  it('agrees with the definition over random batches, including long falling runs (a backlog being sent)', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(
        fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 90_000 }), offsetMs: fc.integer({ min: -400_000, max: 150_000 }), isFalling: fc.boolean() }), { minLength: 1, maxLength: 200 }),
        (steps) => {
          const c = new ClockTracker(60_000);
          const seen: { offsetMs: number; at: number }[] = [];
          let at = 1_800_000_000_000;
          let falling = 0;
          for (const step of steps) {
            at += step.gapMs;
            // A falling run: the device sends events of one moment while time passes.
            const offsetMs = step.isFalling ? (falling -= 1 + (step.gapMs % 7)) : step.offsetMs;
            seen.push({ offsetMs, at });
            const expected = reference(seen, 60_000, at);
            const got = c.observe('d', at + offsetMs, at);
            if (got.estimateMs !== expected.estimateMs || got.appliedMs !== expected.appliedMs || got.isFlagged !== expected.isFlagged) return false;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps flagging a clock that stays behind: the evidence span does not restart when old samples leave', () => {
    const c = new ClockTracker(60_000);
    const t0 = 1_800_000_000_000;
    // Steadily ~100 s behind, with transit jitter, one batch every 20 s for half an hour.
    const verdicts: boolean[] = [];
    for (let i = 0; i <= 90; i++) {
      const at = t0 + i * 20_000;
      verdicts.push(c.observe('d', at - 100_000 - (i % 3) * 500, at).isFlagged);
    }
    // Not flagged before two minutes of evidence, then flagged every time.
    expect(verdicts.slice(0, 6).every((v) => !v)).toBe(true);
    expect(verdicts.slice(6).every((v) => v)).toBe(true);
  });

  it('keeps a device that sends a long backlog cheap: 20,000 samples in a window give the median of the newest', () => {
    const c = new ClockTracker(60_000);
    const t0 = 1_800_000_000_000;
    let reading = c.observe('d', t0 - 1000, t0);
    for (let i = 1; i <= 20_000; i++) reading = c.observe('d', t0 - 1000, t0 + i * 10);
    // Offsets fall by 10 ms a batch: the median of the newest 15 is the eighth newest.
    expect(reading.estimateMs).toBe(-1000 - (20_000 - 7) * 10);
  });
});
