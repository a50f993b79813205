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

describe('clock offset: the kept samples are exactly what the ten-minute window needs', () => {
  /** The definition: every sample of the window, taken at face value (no pruning). */
  function reference(samples: { offsetMs: number; at: number }[], limitMs: number, receivedAt: number) {
    const inWindow = samples.filter((s) => receivedAt - s.at <= 10 * 60_000);
    const estimateMs = Math.max(...inWindow.map((s) => s.offsetMs));
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
            // The tracker drops samples that can no longer be the maximum; the estimate and the
            // verdict (including the two-minute evidence span) must match the definition.
            if (got.estimateMs !== expected.estimateMs || got.appliedMs !== expected.appliedMs || got.isFlagged !== expected.isFlagged) return false;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps flagging a clock that stays behind: the evidence span does not restart when its oldest maximum expires', () => {
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

  it('keeps a device that sends a long backlog cheap: 20,000 falling samples in a window give the right maximum', () => {
    const c = new ClockTracker(60_000);
    const t0 = 1_800_000_000_000;
    let reading = c.observe('d', t0 - 1000, t0);
    for (let i = 1; i <= 20_000; i++) reading = c.observe('d', t0 - 1000, t0 + i * 10);
    // The first sample (-1000) is the largest, and still in the window (200 s ago).
    expect(reading.estimateMs).toBe(-1000);
    // Ten minutes on, only the newest samples count.
    expect(c.observe('d', t0 + 200_000 + 10 * 60_000 - 5000, t0 + 200_000 + 10 * 60_000).estimateMs).toBe(-5000);
  });
});
