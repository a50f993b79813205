import { describe, expect, it } from 'vitest';
import { shiftProgress } from '../../../src/app/domain/shift-progress.ts';
import { boardTile } from '../../../src/core/charts/board.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import type { LineStatus, OeeSnapshot } from '../../../src/core/live.schema.ts';
import type { Line } from '../../../src/core/plant.schema.ts';

const line = { id: 'line-a', name: 'Line A', targetOee: 0.8, stations: [{ id: 'a1', name: 'A1' }], products: [{ productId: 'widget', idealCycleTimeSec: 2 }, { productId: 'gadget', idealCycleTimeSec: 3 }] } as unknown as Line;
const meta = { line, areaId: 'assembly', areaName: 'Assembly' };
const now = 1_800_000_000_000;
const snapshot = {
  v: 1, scope: 'line', id: 'line-a', siteId: 's', shiftId: 'early', from: now - 3_600_000, to: now + 3_600_000, at: now - 2000,
  availability: 0.9, performance: 0.5, quality: 1, oee: 0.45, isScheduled: true, isPerformanceOverLimit: false,
  plannedMs: 3_600_000, noDataMs: 0, coverage: 1, runMs: 3_240_000, stopMs: 360_000, good: 14, reject: 1, total: 15, stopCount: 1, topLosses: [],
} satisfies OeeSnapshot;
const status = { productId: 'gadget', state: 'running', since: now - 60_000 } as LineStatus;
const count = (good: number): FloorEvent => ({ v: 1, id: '0'.repeat(26), deviceId: 't', seq: 0, ts: now, author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'count', productId: 'gadget', good, reject: 0 });

describe('shiftProgress', () => {
  it("shows the line's shift figures exactly as the board tile does, with this tablet's waiting counts apart", () => {
    const view = shiftProgress({ meta, status, snapshot, local: { good: 999, plannedMs: 1 }, waiting: [count(3)], now });
    const tile = boardTile(meta, status, snapshot, now);
    expect(view).toEqual({ good: tile.good, target: tile.target, waitingGood: 3, asOf: snapshot.at });
    // 1 h planned x 80 % target OEE / 3 s (gadget runs): the board's figure, not 100 % of ideal.
    expect(view.target).toBe(960);
  });

  it('without any snapshot, uses the local engine figures and the same target formula', () => {
    const view = shiftProgress({ meta, status: null, snapshot: null, local: { good: 10, plannedMs: 3_600_000 }, waiting: [count(4)], now });
    expect(view).toEqual({ good: 6, target: 1440, waitingGood: 4, asOf: null });
  });
});
