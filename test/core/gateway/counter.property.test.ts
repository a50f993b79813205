import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyReading, newCounterTrack, type CounterTrack } from '../../../src/core/gateway/counter.ts';

/**
 * A machine makes parts (steps below a quarter of the range, so a rollover is told from a reset),
 * sometimes resets its counter, and the gateway reads it with repeats and stale redeliveries mixed
 * in. The total counted always equals the parts truly made after the first reading.
 */
const BITS = 16;
const RANGE = 2 ** BITS;
type Step = { kind: 'make'; parts: number } | { kind: 'reset'; parts: number } | { kind: 'repeat' } | { kind: 'stale'; back: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('make' as const), parts: fc.integer({ min: 0, max: RANGE / 4 - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const), parts: fc.integer({ min: 0, max: 100 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'repeat' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('stale' as const), back: fc.integer({ min: 0, max: 5 }) }) },
);

describe('machine counter (property)', () => {
  it('counts exactly the parts made, across rollovers, resets, repeats and out-of-order redeliveries', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: RANGE - 1 }), fc.array(step, { maxLength: 80 }), (start, steps) => {
        let raw = start;
        let ts = 1;
        let made = 0;
        const history: { value: number; sourceTs: number }[] = [{ value: raw, sourceTs: ts }];
        let track: CounterTrack = applyReading(newCounterTrack(), history[0]!, BITS).track;
        for (const s of steps) {
          let reading = { value: raw, sourceTs: ts };
          if (s.kind === 'make') {
            raw = (raw + s.parts) % RANGE;
            made += s.parts;
            reading = { value: raw, sourceTs: ++ts };
          } else if (s.kind === 'reset') {
            // Only a drop shows a reset, and one from the top quarter reads as a rollover (ADR 0013).
            if (raw >= RANGE * 0.75 || s.parts >= raw) continue;
            raw = s.parts;
            made += s.parts;
            reading = { value: raw, sourceTs: ++ts };
          } else if (s.kind === 'repeat') {
            reading = { value: raw, sourceTs: ++ts };
          } else {
            reading = history[Math.max(0, history.length - 1 - s.back)]!;
          }
          history.push(reading);
          track = applyReading(track, reading, BITS).track;
          expect(track.total).toBeGreaterThanOrEqual(0);
        }
        expect(track.total).toBe(made);
      }),
      { numRuns: 500 },
    );
  });
});
