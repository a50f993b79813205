import { describe, expect, it } from 'vitest';
import { LocalClock, tzInstant } from '../../../src/core/oee/local-clock.ts';

const DAY = 86_400_000;

/** Zones with DST at 02:00/03:00, at midnight, by 30 min, a skipped date (Apia 2011-12-30), and none. */
const zones = ['Europe/Berlin', 'America/Santiago', 'America/Havana', 'Australia/Lord_Howe', 'Pacific/Apia', 'Asia/Tehran', 'UTC'];
/** Around midnight, both sides of the usual 02:00-03:00 changes, and the last minute of the day. */
const minutes = [0, 1, 90, 120, 150, 179, 180, 181, 1439];

describe('LocalClock', () => {
  it('gives exactly the time-zone library instant for every day of two years in odd zones', () => {
    for (const tz of zones) {
      const clock = new LocalClock(tz);
      let mismatches = 0;
      for (let u = Date.UTC(2011, 0, 1); u < Date.UTC(2013, 0, 1); u += DAY) {
        const d = new Date(u);
        const date = { y: d.getUTCFullYear(), m: d.getUTCMonth(), d: d.getUTCDate() };
        for (const min of minutes) {
          const want = tzInstant(date, min, tz);
          const got = clock.instant(date, min);
          if (got !== want) mismatches++;
          expect(got, `${tz} ${d.toISOString().slice(0, 10)} +${min} min`).toBe(want);
        }
      }
      expect(mismatches).toBe(0);
    }
  }, 60_000);

  it('falls back to the library for minutes outside one day or not whole', () => {
    const clock = new LocalClock('Europe/Berlin');
    const date = { y: 2025, m: 2, d: 30 }; // spring forward: 02:00-03:00 does not exist
    for (const min of [-30, 1440, 1500, 150.5]) expect(clock.instant(date, min)).toBe(tzInstant(date, min, 'Europe/Berlin'));
    // A wall time skipped by DST maps forward, as the library does.
    expect(clock.instant(date, 150)).toBe(tzInstant(date, 150, 'Europe/Berlin'));
  });
});
