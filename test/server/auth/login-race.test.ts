import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/service-harness.ts';

describe('login guard under concurrent attempts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({}, { guardLimits: { freeFailures: 2, baseDelayMs: 60_000, maxDelayMs: 60_000, lockoutFailures: 5, lockoutMs: 60_000 } });
  });
  afterAll(async () => h?.close());

  it('checks no more PINs than the guard allows, however many arrive at once', async () => {
    const attempt = (pin: string) =>
      h.http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'badge', badge: '1002', pin, deviceId: 'tab-race' }) });
    // 40 guesses in one burst, the right PIN (2345) last: a guard that only counts finished
    // attempts lets them all through to scrypt before the first failure is recorded.
    const pins = Array.from({ length: 39 }, (_, i) => String(9000 + i)).concat('2345');
    const statuses = await Promise.all(pins.map(attempt).map(async (r) => (await r).status));
    const checked = statuses.filter((s) => s === 401 || s === 200).length;
    expect(checked).toBeLessThanOrEqual(2);
    expect(statuses.filter((s) => s === 429 || s === 423).length).toBeGreaterThanOrEqual(38);
    expect(statuses.at(-1)).not.toBe(200);
  });
});
