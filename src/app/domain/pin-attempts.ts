import * as z from 'zod/mini';
import { FloorboardError } from '../../core/errors.ts';

/**
 * Wrong PINs tried offline on this tablet, against the cached roster: any badge counts, so guessing
 * across badges is slowed down as much as guessing one. Kept in IndexedDB, so a reload does not
 * reset it; a right PIN does.
 */
export const pinAttemptsSchema = z.object({
  failures: z.number().check(z.int(), z.minimum(1)),
  lastFailureAt: z.number(),
});
export type PinAttempts = z.infer<typeof pinAttemptsSchema>;

/** Wrong PINs that cost nothing: a typo or two, and a colleague's badge picked up by mistake. */
export const FREE_FAILURES = 3;
/** From this many wrong PINs on, the tablet refuses offline sign-in for a while (then longer each time). */
export const LOCK_AFTER = 8;
const FIRST_DELAY_MS = 5_000;
const FIRST_LOCK_MS = 15 * 60_000;
const LONGEST_LOCK_MS = 24 * 3_600_000;

/**
 * How long to wait after `failures` wrong PINs in a row: nothing for the first few, then 5 s
 * doubling (slowed down), then a lock of 15 min doubling with every further wrong PIN, up to a day.
 */
export function waitAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  if (failures < LOCK_AFTER) return FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES);
  return Math.min(LONGEST_LOCK_MS, FIRST_LOCK_MS * 2 ** (failures - LOCK_AFTER));
}

/**
 * When the next offline try is allowed (0: now). A clock set back stays behind the last failure,
 * so turning it back does not shorten the wait.
 */
export function retryAt(attempts: PinAttempts | null): number {
  return attempts ? attempts.lastFailureAt + waitAfter(attempts.failures) : 0;
}

/** The record after one more wrong PIN at `now`. */
export function afterFailure(attempts: PinAttempts | null, now: number): PinAttempts {
  return { failures: (attempts?.failures ?? 0) + 1, lastFailureAt: now };
}

/** Offline sign-in refused until `until` (ms since epoch) after too many wrong PINs. */
export function pinLocked(until: number): FloorboardError {
  return new FloorboardError('locked-out', `too many wrong PINs on this tablet; offline sign-in again from ${new Date(until).toISOString()}`, { data: { until } });
}
