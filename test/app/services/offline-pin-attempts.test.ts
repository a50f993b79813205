import { describe, expect, it } from 'vitest';
import { FREE_FAILURES, LOCK_AFTER, waitAfter, type PinAttempts } from '../../../src/app/domain/pin-attempts.ts';
import { checkPinOffline, type PinAttemptStore } from '../../../src/app/services/offline-pin.ts';
import { hashSecret } from '../../../src/server/auth/secrets.ts';

/** Stands in for the IndexedDB record: a fresh store object over the same value is a page reload. */
function storage() {
  let saved: PinAttempts | null = null;
  const open = (): PinAttemptStore => ({ load: async () => saved, save: async (a) => void (saved = a) });
  return { open, get saved() { return saved; } };
}

describe('offline sign-in: wrong PINs are slowed down, then locked out, across reloads', async () => {
  const hash = await hashSecret('4711', { params: { N: 1024, r: 8, p: 1 } });
  const s = 1000;

  it('lets the first few wrong PINs through at once, then makes each next try wait longer', () => {
    expect(Array.from({ length: LOCK_AFTER }, (_, i) => waitAfter(i) / s)).toEqual([0, 0, 0, 5, 10, 20, 40, 80]);
    expect(waitAfter(LOCK_AFTER)).toBe(15 * 60 * s);
    expect(waitAfter(LOCK_AFTER + 1)).toBe(30 * 60 * s);
    expect(waitAfter(100)).toBe(24 * 3600 * s);
  });

  it('refuses even the right PIN while the tablet waits, and a reload does not reset the wait', async () => {
    const db = storage();
    let now = 1_000_000;
    for (let i = 0; i < FREE_FAILURES; i++) expect(await checkPinOffline(db.open(), '0000', hash, now)).toBe(false);
    // The 3rd wrong PIN costs 5 s: the right PIN 1 s later is refused without being checked.
    await expect(checkPinOffline(db.open(), '4711', hash, (now += s))).rejects.toMatchObject({ code: 'locked-out', data: { until: 1_000_000 + 5 * s } });
    expect(db.saved?.failures).toBe(FREE_FAILURES);
    now = 1_000_000 + 5 * s;
    expect(await checkPinOffline(db.open(), '4711', hash, now)).toBe(true);
    expect(db.saved).toBeNull();
  });

  it('locks offline sign-in for 15 minutes after 8 wrong PINs, counting unknown badges too', async () => {
    const db = storage();
    let now = 5_000_000;
    for (let i = 0; i < LOCK_AFTER; i++) {
      now += waitAfter(i);
      // An unknown badge has no hash: it counts as a wrong PIN, so badges cannot be probed for free.
      expect(await checkPinOffline(db.open(), '0000', i % 2 ? hash : undefined, now)).toBe(false);
    }
    const lockedAt = now;
    await expect(checkPinOffline(db.open(), '4711', hash, lockedAt + 14 * 60 * s)).rejects.toMatchObject({ code: 'locked-out', data: { until: lockedAt + 15 * 60 * s } });
    // Turning the clock back does not end the lock either.
    await expect(checkPinOffline(db.open(), '4711', hash, lockedAt - 3600 * s)).rejects.toMatchObject({ code: 'locked-out' });
    expect(await checkPinOffline(db.open(), '4711', hash, lockedAt + 15 * 60 * s)).toBe(true);
  });
});
