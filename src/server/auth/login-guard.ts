/** Limits of the failure slowdown; the defaults suit a shop floor (a typo or two is normal). */
export interface GuardLimits {
  /** Failures allowed before the slowdown begins. */
  freeFailures: number;
  /** First wait after the free failures, doubling with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures in a row that lock the account or badge out. */
  lockoutFailures: number;
  lockoutMs: number;
}

export const defaultGuardLimits: GuardLimits = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 30_000, lockoutFailures: 10, lockoutMs: 15 * 60_000 };

export type GuardVerdict = { kind: 'allowed' } | { kind: 'slow-down'; retryAfterMs: number } | { kind: 'locked'; retryAfterMs: number };

interface Entry {
  failures: number;
  nextAllowedAt: number;
  lockedUntil: number;
}

/**
 * Counts failed logins per key (user id or badge), in memory: slows down after a few failures,
 * then locks out. Attempts refused by the guard are not checked and do not count.
 */
export class LoginGuard {
  readonly #entries = new Map<string, Entry>();
  constructor(readonly limits: GuardLimits = defaultGuardLimits) {}

  /** May an attempt for this key be checked now? */
  check(key: string, now: number): GuardVerdict {
    const e = this.#entries.get(key);
    if (!e) return { kind: 'allowed' };
    if (e.lockedUntil > now) return { kind: 'locked', retryAfterMs: e.lockedUntil - now };
    if (e.lockedUntil > 0) {
      // The lockout ran out: start over.
      this.#entries.delete(key);
      return { kind: 'allowed' };
    }
    if (e.nextAllowedAt > now) return { kind: 'slow-down', retryAfterMs: e.nextAllowedAt - now };
    return { kind: 'allowed' };
  }

  recordFailure(key: string, now: number): void {
    const e = this.#entries.get(key) ?? { failures: 0, nextAllowedAt: 0, lockedUntil: 0 };
    e.failures++;
    const { freeFailures, baseDelayMs, maxDelayMs, lockoutFailures, lockoutMs } = this.limits;
    if (e.failures >= lockoutFailures) e.lockedUntil = now + lockoutMs;
    else if (e.failures >= freeFailures) e.nextAllowedAt = now + Math.min(maxDelayMs, baseDelayMs * 2 ** (e.failures - freeFailures));
    this.#entries.set(key, e);
  }

  recordSuccess(key: string): void {
    this.#entries.delete(key);
  }
}
