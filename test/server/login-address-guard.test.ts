import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginGuard } from '../../src/server/auth/login-guard.ts';
import { startHarness, type Harness } from './service-harness.ts';

describe('login guard per source address', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(
      {},
      {
        // Per badge: never in the way here, so every refusal below comes from the address.
        guardLimits: { freeFailures: 100, baseDelayMs: 1, maxDelayMs: 1, lockoutFailures: 1000, lockoutMs: 1 },
        addressGuardLimits: { freeFailures: 3, baseDelayMs: 150, maxDelayMs: 300, lockoutFailures: 6, lockoutMs: 60_000, forgetAfterMs: 60_000 },
      },
    );
  });
  afterAll(async () => h?.close());

  const attempt = (badge: string, pin: string) =>
    h.http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'badge', badge, pin, deviceId: 'tab-spray' }) });

  it('slows down, then locks out one address trying many badges, even for a right badge and PIN', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12 && statuses.at(-1) !== 423; i++) {
      const res = await attempt(String(5000 + i), '0000'); // a new badge each time
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).not.toBeNull();
        const { error } = (await res.json()) as { error: { retryAfterMs: number } };
        await new Promise((r) => setTimeout(r, error.retryAfterMs + 20));
      }
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses).toContain(429);
    expect(statuses.at(-1)).toBe(423);
    // The right PIN of a real badge, from the same address: still locked out.
    expect((await attempt('1001', '1234')).status).toBe(423);
  });

  it('is not cleared by a success, and forgets failures after a quiet period', () => {
    const guard = new LoginGuard({ freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 1000, lockoutFailures: 5, lockoutMs: 60_000, forgetAfterMs: 10_000 });
    guard.recordFailure('addr:a', 0);
    guard.recordFailure('addr:a', 100);
    expect(guard.check('addr:a', 200)).toEqual({ kind: 'slow-down', retryAfterMs: 900 });
    expect(guard.check('addr:a', 10_100)).toEqual({ kind: 'allowed' });
    guard.recordFailure('addr:a', 10_200);
    expect(guard.check('addr:a', 10_300)).toEqual({ kind: 'allowed' }); // one failure after the fresh start
  });
});
