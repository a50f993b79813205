import { describe, expect, it } from 'vitest';
import { isNoOpCorrection } from '../../../src/core/oee-stops/no-op.ts';

describe('a correction that changes nothing', () => {
  it('is the same payload whatever the key order; any other field value is a change', () => {
    expect(isNoOpCorrection({ type: 'stop.classify', stopId: 's', reasonId: 'jam' }, { reasonId: 'jam', stopId: 's', type: 'stop.classify' })).toBe(true);
    expect(isNoOpCorrection({ type: 'stop.classify', stopId: 's', reasonId: 'jam' }, { type: 'stop.classify', stopId: 's', reasonId: 'setup' })).toBe(false);
    expect(isNoOpCorrection({ type: 'count', productId: 'p', good: 5, reject: 0 }, { type: 'count', productId: 'p', good: 4, reject: 0 })).toBe(false);
  });
});
