import { describe, expect, it } from 'vitest';
import { lineAndonSchema } from '../../src/core/andon/call-view.schema.ts';
import { isNewerLive, isNewerLog } from '../../src/core/live-version.ts';
import { stationLogWireSchema } from '../../src/core/station-log.schema.ts';

const andon = (version?: number) => ({ v: 1, lineId: 'line-a', at: 1, calls: [], ...(version === undefined ? {} : { version }) });
const log = (version?: number) => ({ stationId: 'a1', lineId: 'line-a', since: 0, at: 1, notes: [], handovers: [], ...(version === undefined ? {} : { version }) });

/** Issue 16: a late retained publish of an earlier cluster leader never replaces a later one on a screen. */
describe('leader versions on retained messages', () => {
  it('lets a screen keep a later leader\'s message against an earlier one, and a single service\'s messages (no version) always through', () => {
    const later = { version: 2 * 2 ** 32 + 1 };
    expect(isNewerLive(later, { version: 1 * 2 ** 32 + 900 })).toBe(false);
    expect(isNewerLive(later, { version: 2 * 2 ** 32 + 2 })).toBe(true);
    expect(isNewerLive(later, later)).toBe(true);
    expect(isNewerLive(null, { version: 5 })).toBe(true);
    expect(isNewerLive({}, { version: 5 })).toBe(true);
    expect(isNewerLive(later, {})).toBe(true);
  });

  it("takes a later leader's station log although its host's clock is behind, and refuses an earlier leader's late one, also after a log fetched over HTTP", () => {
    const epoch = (e: number, n: number) => e * 2 ** 32 + n;
    const oldLeader = { version: epoch(1, 40), at: 10_000 };
    // The new leader's clock runs 3 s behind the old one's.
    const newLeader = { version: epoch(2, 1), at: 7_500 };
    expect(isNewerLog(oldLeader, newLeader)).toBe(true);
    expect(isNewerLog(newLeader, { version: epoch(1, 41), at: 10_200 })).toBe(false);
    // A log fetched over HTTP has no version: its fold time decides, and the highest version seen still bars the old leader.
    const fetched = { at: 7_600 };
    expect(isNewerLog(newLeader, fetched)).toBe(true);
    expect(isNewerLog(fetched, { version: epoch(1, 42), at: 10_300 }, epoch(2, 1))).toBe(false);
    expect(isNewerLog(fetched, { version: epoch(2, 2), at: 7_700 }, epoch(2, 1))).toBe(true);
    // A single service (no versions): the later fold wins.
    expect(isNewerLog({ at: 5 }, { at: 4 })).toBe(false);
    expect(isNewerLog({ at: 5 }, { at: 6 })).toBe(true);
    expect(isNewerLog(null, { at: 1 })).toBe(true);
  });

  it("carries the version on a line's open calls and a station's log, and refuses one that is not a whole number from 0", () => {
    expect(lineAndonSchema.parse(andon(7)).version).toBe(7);
    expect(lineAndonSchema.parse(andon()).version).toBeUndefined();
    expect(stationLogWireSchema.parse(log(7)).version).toBe(7);
    for (const bad of [-1, 1.5]) {
      expect(lineAndonSchema.safeParse(andon(bad)).success).toBe(false);
      expect(stationLogWireSchema.safeParse(log(bad)).success).toBe(false);
    }
  });
});
