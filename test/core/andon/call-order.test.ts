import { describe, expect, it } from 'vitest';
import { byAge, callAgeMs } from '../../../src/core/andon/call-order.ts';

describe('the order and age of andon calls every screen shows', () => {
  it('lists calls oldest first, ties by id, without changing the given list', () => {
    const calls = [{ id: 'c', raisedAt: 30 }, { id: 'b', raisedAt: 10 }, { id: 'a', raisedAt: 10 }];
    expect(byAge(calls).map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(calls.map((c) => c.id)).toEqual(['c', 'b', 'a']);
  });

  it('ages an open call until now and a resolved one until its resolve, never below zero', () => {
    expect(callAgeMs({ raisedAt: 1_000, resolved: null }, 61_000)).toBe(60_000);
    expect(callAgeMs({ raisedAt: 1_000, resolved: { at: 31_000 } }, 61_000)).toBe(30_000);
    expect(callAgeMs({ raisedAt: 5_000, resolved: null }, 4_000)).toBe(0);
  });
});
