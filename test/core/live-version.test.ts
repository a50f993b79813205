import { describe, expect, it } from 'vitest';
import { lineAndonSchema } from '../../src/core/andon/call-view.schema.ts';
import { isNewerLive } from '../../src/core/live-version.ts';
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
