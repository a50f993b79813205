import { describe, expect, it } from 'vitest';
import { isBannerUp } from '../../../src/app/domain/network-banner.ts';

const now = 1_800_000_000_000;

describe('the network banner', () => {
  it('shows whenever the tablet is offline or must sign in online, waiting entries or not', () => {
    expect(isBannerUp({ mode: 'offline', waiting: 0, oldestTs: null }, now)).toBe(true);
    expect(isBannerUp({ mode: 'needs-sign-in', waiting: 0, oldestTs: null }, now)).toBe(true);
  });
  it('shows online only when the oldest waiting entry has waited more than two minutes', () => {
    expect(isBannerUp({ mode: 'syncing', waiting: 3, oldestTs: now - 119_000 }, now)).toBe(false);
    expect(isBannerUp({ mode: 'syncing', waiting: 3, oldestTs: now - 121_000 }, now)).toBe(true);
    expect(isBannerUp({ mode: 'online', waiting: 0, oldestTs: null }, now)).toBe(false);
  });
});
