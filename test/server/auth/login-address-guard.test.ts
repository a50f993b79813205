import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginGuard } from '../../../src/server/auth/login-guard.ts';
import { startHarness, type Harness } from '../support/service-harness.ts';

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

  it('never slows a shift change: many correct sign-ins from one address (a proxy, a NAT) all pass', async () => {
    // Six is the lockout count of this address guard: correct logins must not add up to it.
    for (let i = 0; i < 8; i++) expect((await attempt('1001', '1234')).status, `login ${i + 1}`).toBe(200);
  });

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

  it('a success takes back only its own attempt, not the failures before it', () => {
    const guard = new LoginGuard({ freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 1000, lockoutFailures: 5, lockoutMs: 60_000, forgetAfterMs: 10_000 });
    guard.recordFailure('addr:a', 0);
    guard.recordFailure('addr:a', 100);
    guard.recordFailure('addr:a', 1200); // the attempt that then succeeded (counted before the check)
    guard.forgive('addr:a');
    expect(guard.check('addr:a', 1300)).toEqual({ kind: 'slow-down', retryAfterMs: 900 });
    guard.forgive('addr:a'); // a second success: back under the free failures
    expect(guard.check('addr:a', 1300)).toEqual({ kind: 'allowed' });
    for (let t = 2000; t < 2005; t++) guard.recordFailure('addr:b', t);
    guard.forgive('addr:b'); // a lockout stands
    expect(guard.check('addr:b', 3000).kind).toBe('locked');
  });

  it('holds a bounded number of keys: forgotten ones are swept, the oldest go past the cap', () => {
    const guard = new LoginGuard({ freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 1000, lockoutFailures: 5, lockoutMs: 60_000, forgetAfterMs: 10_000 });
    for (let i = 0; i < 1100; i++) guard.recordFailure(`badge:made-up-${i}`, 0);
    for (let i = 0; i < 1024; i++) guard.recordFailure(`badge:later-${i}`, 20_000);
    expect(guard.size).toBe(1024); // the first 1,100 were forgotten and swept
    const never = new LoginGuard({ freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 1000, lockoutFailures: 5, lockoutMs: 60_000 });
    for (let i = 0; i < 100_010; i++) never.recordFailure(`addr:${i}`, i);
    expect(never.size).toBe(100_000);
    // A second failure: the newest key was held (now slowed), the oldest was evicted (counts from 1 again).
    never.recordFailure('addr:100009', 100_011);
    expect(never.check('addr:100009', 100_011).kind).toBe('slow-down');
    never.recordFailure('addr:0', 100_011);
    expect(never.check('addr:0', 100_011)).toEqual({ kind: 'allowed' });
  });

  it('forgets failures after a quiet period', () => {
    const guard = new LoginGuard({ freeFailures: 2, baseDelayMs: 1000, maxDelayMs: 1000, lockoutFailures: 5, lockoutMs: 60_000, forgetAfterMs: 10_000 });
    guard.recordFailure('addr:a', 0);
    guard.recordFailure('addr:a', 100);
    expect(guard.check('addr:a', 200)).toEqual({ kind: 'slow-down', retryAfterMs: 900 });
    expect(guard.check('addr:a', 10_100)).toEqual({ kind: 'allowed' });
    guard.recordFailure('addr:a', 10_200);
    expect(guard.check('addr:a', 10_300)).toEqual({ kind: 'allowed' }); // one failure after the fresh start
  });
});
