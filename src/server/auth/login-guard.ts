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

export const defaultGuardLimits: GuardLimits = {
  freeFailures: 3,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  lockoutFailures: 10,
  lockoutMs: 15 * 60_000,
  // A badge's typos of yesterday are not held against it today, and the table can be swept.
  forgetAfterMs: 24 * 3600_000,
};

/**
 * Keys held at most: anyone may send logins for made-up badges or from many addresses, and each
 * failure makes an entry. Past this the entry with the oldest failure goes first, so a flood of
 * made-up keys costs a bounded, small part of the service's memory.
 */
const MAX_ENTRIES = 100_000;
/** Forgotten and expired entries are swept out every this many failures. */
const SWEEP_EVERY = 1024;

/**
 * Per source address: one address trying many badges or users. Looser than per badge (a shared
 * tablet or a kiosk sees many people's typos). A success takes back only its own attempt
 * (`forgive`), never earlier failures: a guesser who knows one badge cannot clear the count, and
 * a shift change of correct logins through one proxy or NAT address is never slowed. Forgotten
 * after a quiet quarter hour.
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

/** The failures of one key, as the guard keeps them (in memory, or in PostgreSQL for a cluster). */
export interface GuardEntry {
  failures: number;
  lastFailureAt: number;
  nextAllowedAt: number;
  lockedUntil: number;
}

/** A guard's answer for a key: the same rules wherever its entries are kept. */
export interface Guard {
  check(key: string, now: number): GuardVerdict | Promise<GuardVerdict>;
  recordFailure(key: string, now: number): void | Promise<void>;
  forgive(key: string): void | Promise<void>;
  recordSuccess(key: string): void | Promise<void>;
}

const NO_FAILURES: GuardEntry = { failures: 0, lastFailureAt: 0, nextAllowedAt: 0, lockedUntil: 0 };

/** Failures long quiet (and not a lockout still running) are forgotten. */
export function isForgotten(e: GuardEntry, now: number, limits: GuardLimits): boolean {
  const after = limits.forgetAfterMs;
  return after !== undefined && e.lockedUntil <= now && now - e.lastFailureAt >= after;
}

/** May an attempt be checked now? `reset`: the entry is to be dropped (forgotten, or its lockout ran out). */
export function verdictOf(e: GuardEntry | undefined, now: number, limits: GuardLimits): { verdict: GuardVerdict; reset: boolean } {
  if (!e) return { verdict: { kind: 'allowed' }, reset: false };
  if (isForgotten(e, now, limits)) return { verdict: { kind: 'allowed' }, reset: true };
  if (e.lockedUntil > now) return { verdict: { kind: 'locked', retryAfterMs: e.lockedUntil - now }, reset: false };
  // The lockout ran out: start over.
  if (e.lockedUntil > 0) return { verdict: { kind: 'allowed' }, reset: true };
  if (e.nextAllowedAt > now) return { verdict: { kind: 'slow-down', retryAfterMs: e.nextAllowedAt - now }, reset: false };
  return { verdict: { kind: 'allowed' }, reset: false };
}

/** The entry after one more failure: slowed after the free ones, doubling, then locked out. */
export function afterFailure(known: GuardEntry | undefined, now: number, limits: GuardLimits): GuardEntry {
  const e = { ...(known && !isForgotten(known, now, limits) ? known : NO_FAILURES) };
  e.failures++;
  e.lastFailureAt = now;
  const { freeFailures, baseDelayMs, maxDelayMs, lockoutFailures, lockoutMs } = limits;
  if (e.failures >= lockoutFailures) e.lockedUntil = now + lockoutMs;
  else if (e.failures >= freeFailures) e.nextAllowedAt = now + Math.min(maxDelayMs, baseDelayMs * 2 ** (e.failures - freeFailures));
  return e;
}

/** The entry after a success takes back its own attempt (null: drop it); a lockout stays. */
export function afterForgive(e: GuardEntry, limits: GuardLimits): GuardEntry | null {
  if (e.lockedUntil > 0) return e;
  const failures = e.failures - 1;
  if (failures <= 0) return null;
  return { ...e, failures, nextAllowedAt: failures < limits.freeFailures ? 0 : e.nextAllowedAt };
}

/**
 * Counts failed logins per key (user id, badge, or source address), in memory: slows down after a few failures,
 * then locks out. Attempts refused by the guard are not checked and do not count.
 */
export class LoginGuard implements Guard {
  readonly #entries = new Map<string, GuardEntry>();
  #failuresSinceSweep = 0;
  constructor(readonly limits: GuardLimits = defaultGuardLimits) {}

  /** May an attempt for this key be checked now? */
  check(key: string, now: number): GuardVerdict {
    const { verdict, reset } = verdictOf(this.#entries.get(key), now, this.limits);
    if (reset) this.#entries.delete(key);
    return verdict;
  }

  recordFailure(key: string, now: number): void {
    const e = afterFailure(this.#entries.get(key), now, this.limits);
    // Re-inserted, so the map's order is the order of last failures (the cap evicts the oldest).
    this.#entries.delete(key);
    this.#entries.set(key, e);
    if (++this.#failuresSinceSweep >= SWEEP_EVERY) this.#sweep(now);
    if (this.#entries.size > MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /**
   * Takes back the failure counted for an attempt that then succeeded (attempts are counted before
   * the slow secret check, see login.ts), leaving earlier failures and any lockout as they are.
   */
  forgive(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    const next = afterForgive(e, this.limits);
    if (next) this.#entries.set(key, next);
    else this.#entries.delete(key);
  }

  /** Keys held now (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  #sweep(now: number): void {
    this.#failuresSinceSweep = 0;
    for (const [key, e] of this.#entries) if (isForgotten(e, now, this.limits) || (e.lockedUntil > 0 && e.lockedUntil <= now)) this.#entries.delete(key);
  }

  recordSuccess(key: string): void {
    this.#entries.delete(key);
  }
}
