import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffDelay, defaultBackoff } from '../../../src/core/outbox/backoff.ts';

describe('backoffDelay', () => {
  it('grows exponentially with full jitter and stays within the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const d = backoffDelay(attempt, () => r);
        const ceiling = Math.min(defaultBackoff.maxMs, defaultBackoff.baseMs * 2 ** Math.min(attempt, 30));
        expect(d).toBeGreaterThan(0);
        expect(d).toBeLessThanOrEqual(Math.max(ceiling, defaultBackoff.baseMs / 4));
      }),
    );
  });
  it('uses the jitter: the same attempt differs with the random draw', () => {
    expect(backoffDelay(4, () => 0.1)).toBeLessThan(backoffDelay(4, () => 0.9));
    expect(backoffDelay(3, () => 0.5)).toBe(2000);
  });
});
