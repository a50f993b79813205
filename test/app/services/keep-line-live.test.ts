import { describe, expect, it } from 'vitest';
import { CacheIdb } from '../../../src/app/adapters/cache-idb.ts';
import type { KeptLive } from '../../../src/app/adapters/kept-live.ts';
import { currentLineLive, keptLineLiveOf } from '../../../src/app/services/keep-station-status.ts';
import type { LineStatus, OeeSnapshot } from '../../../src/core/live.schema.ts';

const now = 1_800_000_000_000;
const snapshot = {
  v: 1, scope: 'line', id: 'line-a', siteId: 's', shiftId: 'early', from: now - 3_600_000, to: now + 3_600_000, at: now - 60_000,
  availability: 0.9, performance: 0.5, quality: 1, oee: 0.45, isScheduled: true, isPerformanceOverLimit: false,
  plannedMs: 3_600_000, noDataMs: 0, coverage: 1, runMs: 3_240_000, stopMs: 360_000, good: 77, reject: 1, total: 78, stopCount: 1, topLosses: [],
} satisfies OeeSnapshot;
const status = {
  v: 1, siteId: 's', areaId: 'assembly', lineId: 'line-a', state: 'running', since: now - 600_000, stopId: null, reasonId: null,
  isAwaitingReason: false, productId: 'widget', shiftId: 'early', operatorId: null, updatedAt: now - 30_000,
} satisfies LineStatus;

/** The meta store as the start-up read would find it: raw, parsed by the adapter's `get`. */
const metaOf = (raw: Record<string, unknown>) => ({ get: async (key: string, schema: Parameters<typeof CacheIdb.parse>[1]) => CacheIdb.parse(raw[key], schema) }) as unknown as KeptLive;

describe("the line's status and OEE snapshot a tablet keeps for a reload offline", () => {
  it("gives back both when they are of this line and of the window running now", async () => {
    expect(await keptLineLiveOf(metaOf({ 'line-status': status, 'line-oee': snapshot }), 'line-a', now)).toEqual({ status, snapshot });
  });

  it("never shows another line's, an ended window's or a damaged record's figures", async () => {
    expect(currentLineLive({ status, snapshot }, 'line-b', now)).toEqual({ status: null, snapshot: null });
    // The shift ended: its figures are not the next one's.
    expect(currentLineLive({ status, snapshot }, 'line-a', snapshot.to)).toEqual({ status: null, snapshot: null });
    expect(currentLineLive({ status, snapshot: { ...snapshot, scope: 'area' } }, 'line-a', now)).toEqual({ status: null, snapshot: null });
    // A status of another shift, or from before the window, is left out; the snapshot stays.
    expect(currentLineLive({ status: { ...status, shiftId: 'late' }, snapshot }, 'line-a', now)).toEqual({ status: null, snapshot });
    expect(currentLineLive({ status: { ...status, updatedAt: snapshot.from - 1 }, snapshot }, 'line-a', now)).toEqual({ status: null, snapshot });
    // Zod-checked on read: a damaged record is none.
    expect(await keptLineLiveOf(metaOf({ 'line-status': status, 'line-oee': { ...snapshot, good: 'many' } }), 'line-a', now)).toEqual({ status: null, snapshot: null });
    expect(await keptLineLiveOf(metaOf({ 'line-status': { ...status, state: 'dancing' }, 'line-oee': snapshot }), 'line-a', now)).toEqual({ status: null, snapshot });
  });
});
