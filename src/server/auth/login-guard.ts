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
  /** Failures are forgotten this long after the last one (none: only a success or a lockout's end clears them). */
  forgetAfterMs?: number;
}

export const defaultGuardLimits: GuardLimits = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 30_000, lockoutFailures: 10, lockoutMs: 15 * 60_000 };

/**
 * Per source address: one address trying many badges or users. Looser than per badge (a shared
 * tablet or a kiosk sees many people's typos), never reset by a success (a guesser who knows one
 * badge must not clear the count), forgotten after a quiet quarter hour.
 */
export const defaultAddressGuardLimits: GuardLimits = {
  freeFailures: 20,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  lockoutFailures: 60,
  lockoutMs: 15 * 60_000,
  forgetAfterMs: 15 * 60_000,
};

export type GuardVerdict = { kind: 'allowed' } | { kind: 'slow-down'; retryAfterMs: number } | { kind: 'locked'; retryAfterMs: number };

interface Entry {
  failures: number;
  lastFailureAt: number;
  nextAllowedAt: number;
  lockedUntil: number;
}

/**
 * Counts failed logins per key (user id, badge, or source address), in memory: slows down after a few failures,
 * then locks out. Attempts refused by the guard are not checked and do not count.
 */
export class LoginGuard {
  readonly #entries = new Map<string, Entry>();
  constructor(readonly limits: GuardLimits = defaultGuardLimits) {}

  /** May an attempt for this key be checked now? */
  check(key: string, now: number): GuardVerdict {
    const e = this.#entries.get(key);
    if (!e) return { kind: 'allowed' };
    if (this.#isForgotten(e, now)) {
      this.#entries.delete(key);
      return { kind: 'allowed' };
    }
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
    const known = this.#entries.get(key);
    const e = known && !this.#isForgotten(known, now) ? known : { failures: 0, lastFailureAt: 0, nextAllowedAt: 0, lockedUntil: 0 };
    e.failures++;
    e.lastFailureAt = now;
    const { freeFailures, baseDelayMs, maxDelayMs, lockoutFailures, lockoutMs } = this.limits;
    if (e.failures >= lockoutFailures) e.lockedUntil = now + lockoutMs;
    else if (e.failures >= freeFailures) e.nextAllowedAt = now + Math.min(maxDelayMs, baseDelayMs * 2 ** (e.failures - freeFailures));
    this.#entries.set(key, e);
  }

  #isForgotten(e: Entry, now: number): boolean {
    const after = this.limits.forgetAfterMs;
    return after !== undefined && e.lockedUntil <= now && now - e.lastFailureAt >= after;
  }

  recordSuccess(key: string): void {
    this.#entries.delete(key);
  }
}
