import { describe, expect, it } from 'vitest';
import { boardTile, fitGrid, groupByArea, isOrderKnown, sortTiles, targetGood, type LineMeta } from '../../../src/core/charts/index.ts';
import type { LineStatus, OeeSnapshot } from '../../../src/core/live.schema.ts';

const meta = (id: string, areaId = 'a1', targetOee = 0.85): LineMeta => ({
  line: { id, name: `Line ${id}`, stations: [{ id: `${id}-s`, name: 'S' }], products: [{ productId: 'p', idealCycleTimeSec: 2 }], smallStopThresholdSec: 120, startupRejectWindowSec: 600, targetOee, heartbeatTimeoutSec: 60, noData: 'excluded' },
  areaId,
  areaName: areaId.toUpperCase(),
});
const status = (lineId: string, state: LineStatus['state'], since: number | null = 1000): LineStatus => ({
  v: 1, siteId: 's', areaId: 'a1', lineId, state, since, stopId: null, reasonId: state === 'running' ? null : 'jam', isAwaitingReason: false, productId: 'p', shiftId: 'early', operatorId: null, updatedAt: 1000,
});
const snap = (id: string, oee: number | null, plannedMs = 3_600_000): OeeSnapshot => ({
  v: 1, scope: 'line', id, siteId: 's', shiftId: 'early', from: 0, to: 1, at: 1, availability: 0.9, performance: 0.9, quality: 0.99, oee, isScheduled: plannedMs > 0, isPerformanceOverLimit: false,
  plannedMs, noDataMs: 0, coverage: plannedMs > 0 ? 1 : null, runMs: 3_000_000, stopMs: 600_000, good: 1000, reject: 10, total: 1010, stopCount: 3, targetOee: 0.8, topLosses: [{ reasonId: 'jam', loss: 'breakdown', durationMs: 600_000, count: 3 }],
});

describe('boardTile', () => {
  it('shows state, time in state, reason, OEE and produced vs target from the retained messages', () => {
    const t = boardTile(meta('l1'), status('l1', 'fault', 1000), snap('l1', 0.7), 61_000);
    expect(t).toMatchObject({ state: 'stopped', timeInStateMs: 60_000, reasonId: 'jam', oee: 0.7, produced: 1010, good: 1000, targetOee: 0.8, hasLiveData: true });
    // 1 h planned x 0.8 / 2 s cycle = 1440 good parts expected by now.
    expect(t.target).toBe(1440);
    expect(t.topLoss).toEqual({ reasonId: 'jam', loss: 'breakdown', durationMs: 600_000 });
  });

  it('shows the station fold\'s states: no data, changeover, not scheduled; an open stop as stopped, even while still short', () => {
    expect(boardTile(meta('l1'), status('l1', 'no-data'), snap('l1', 0.7), 2000).state).toBe('no-data');
    expect(boardTile(meta('l1'), status('l1', 'changeover'), snap('l1', 0.7), 2000).state).toBe('changeover');
    expect(boardTile(meta('l1'), status('l1', 'not-scheduled'), snap('l1', null, 0), 2000).state).toBe('not-scheduled');
    expect(boardTile(meta('l1'), { ...status('l1', 'stopped'), isSmallStop: true }, snap('l1', 0.7), 2000).state).toBe('stopped');
    expect(boardTile(meta('l1'), { ...status('l1', 'stopped'), isSmallStop: false }, snap('l1', 0.7), 2000).state).toBe('stopped');
  });

  it('knows nothing before the broker delivered anything: unknown, no OEE, the plant target', () => {
    const t = boardTile(meta('l1', 'a1', 0.6), undefined, undefined, 5);
    expect(t).toMatchObject({ state: 'unknown', timeInStateMs: null, oee: null, target: null, targetOee: 0.6, hasLiveData: false });
  });

  it('shows a line without planned time as not scheduled, never 0 %', () => {
    const t = boardTile(meta('l1'), status('l1', 'idle', null), snap('l1', null, 0), 5);
    expect(t.state).toBe('not-scheduled');
    expect(t.oee).toBeNull();
    expect(targetGood(0, 0.8, 2000)).toBeNull();
  });
});

describe('sortTiles and groupByArea', () => {
  const tiles = [
    boardTile(meta('a', 'x'), status('a', 'running'), snap('a', 0.9), 2000),
    boardTile(meta('b', 'y'), status('b', 'running'), snap('b', 0.5), 2000),
    boardTile(meta('c', 'x'), status('c', 'fault'), snap('c', 0.95), 2000),
    boardTile(meta('d', 'y'), status('d', 'setup'), snap('d', 0.7), 2000),
  ];
  it('puts stopped lines first, then the biggest gap below target', () => {
    expect(sortTiles(tiles, 'worst').map((t) => t.lineId)).toEqual(['c', 'd', 'b', 'a']);
    expect(sortTiles(tiles, 'oee').map((t) => t.lineId)).toEqual(['b', 'd', 'a', 'c']);
    expect(sortTiles(tiles, 'name').map((t) => t.lineId)).toEqual(['a', 'b', 'c', 'd']);
  });
  it('shows and ranks a line stopped in a break or off shift as a planned stop: below running lines losing time, a real stop still on top', () => {
    const onBreak = boardTile(meta('e', 'x'), { ...status('e', 'stopped'), isOffShift: true }, snap('e', 0.99), 2000);
    // A calm "Planned stop" tile, as on the timeline, not an orange "Stopped" one (every line looked stopped during a break).
    expect(onBreak.state).toBe('planned');
    const order = sortTiles([...tiles, onBreak], 'worst').map((t) => t.lineId);
    // c (stopped, a loss) first; the line on its break after every line running below target.
    expect(order).toEqual(['c', 'd', 'b', 'a', 'e']);
  });
  it('ranks a line in an open stop still under the small-stop threshold as a small stop: below lines stopped longer and no data, above running lines', () => {
    const short = boardTile(meta('f', 'x'), { ...status('f', 'stopped'), isSmallStop: true }, snap('f', 0.99), 2000);
    const noData = boardTile(meta('g', 'y'), status('g', 'no-data'), snap('g', 0.9), 2000);
    expect(short.state).toBe('stopped');
    expect(sortTiles([...tiles, short, noData], 'worst').map((t) => t.lineId)).toEqual(['c', 'g', 'f', 'd', 'b', 'a']);
    // Past the threshold the service republishes the status (isSmallStop false): the line ranks as stopped again.
    const long = boardTile(meta('f', 'x'), { ...status('f', 'stopped'), isSmallStop: false }, snap('f', 0.99), 2000);
    expect(sortTiles([...tiles, long], 'worst').map((t) => t.lineId)).toEqual(['c', 'f', 'd', 'b', 'a']);
    // A short stop in a break is still no loss at all.
    const shortOnBreak = boardTile(meta('f', 'x'), { ...status('f', 'stopped'), isSmallStop: true, isOffShift: true }, snap('f', 0.99), 2000);
    expect(sortTiles([...tiles, shortOnBreak], 'worst').map((t) => t.lineId)).toEqual(['c', 'd', 'b', 'a', 'f']);
  });
  it('ranks a fresh stop with open andon calls about it among the stops at once: someone asked for help, so it is no minor stop (it sat below a line with no data)', () => {
    const stop = { ...status('f', 'stopped', 1000), stopId: 'stop-1', isSmallStop: true };
    const ruleCall = { stopId: 'stop-1', raisedAt: 3000 };
    const buttonCall = { stopId: null, raisedAt: 1500 };
    const calling = boardTile(meta('f', 'x'), stop, snap('f', 0.99), 5000, [ruleCall, buttonCall]);
    const noData = boardTile(meta('g', 'y'), status('g', 'no-data'), snap('g', 0.9), 5000);
    expect(calling.openCalls).toBe(2);
    expect(sortTiles([...tiles, calling, noData], 'worst').map((t) => t.lineId)).toEqual(['c', 'f', 'g', 'd', 'b', 'a']);
    // A call from before this stop (material, an hour ago) is not about it: the stop stays a small stop.
    const older = boardTile(meta('f', 'x'), stop, snap('f', 0.99), 5000, [{ stopId: null, raisedAt: 500 }]);
    expect(older.openCalls).toBe(0);
    expect(sortTiles([...tiles, older, noData], 'worst').map((t) => t.lineId)).toEqual(['c', 'g', 'f', 'd', 'b', 'a']);
    // Calls do not make a running line a stop, nor a break a loss.
    const runningCall = boardTile(meta('f', 'x'), status('f', 'running', 1000), snap('f', 0.99), 5000, [buttonCall]);
    expect(runningCall.openCalls).toBe(0);
    expect(sortTiles([...tiles, runningCall], 'worst').map((t) => t.lineId)).toEqual(['c', 'd', 'b', 'a', 'f']);
    const breakCall = boardTile(meta('f', 'x'), { ...stop, isOffShift: true }, snap('f', 0.99), 5000, [ruleCall]);
    expect(sortTiles([...tiles, breakCall], 'worst').map((t) => t.lineId)).toEqual(['c', 'd', 'b', 'a', 'f']);
  });
  it('knows the worst-first (or OEE) order only once every line has both its status and its snapshot; by name at once', () => {
    expect(isOrderKnown(tiles, 'worst')).toBe(true);
    // The first moments: the stopped line c is heard, the others not yet (or only their status):
    // sorted now, a and b would sit by name ahead of lines worse than them.
    const partial = [
      boardTile(meta('a', 'x'), undefined, undefined, 2000),
      boardTile(meta('b', 'y'), status('b', 'running'), undefined, 2000),
      tiles[2]!,
      boardTile(meta('d', 'y'), undefined, snap('d', 0.7), 2000),
    ];
    expect(partial.map((t) => t.hasSortKeys)).toEqual([false, false, true, false]);
    expect(isOrderKnown(partial, 'worst')).toBe(false);
    expect(isOrderKnown(partial, 'oee')).toBe(false);
    expect(isOrderKnown(partial, 'name')).toBe(true);
    // A line whose snapshot says nothing was scheduled (no OEE) is known all the same.
    expect(isOrderKnown([...tiles, boardTile(meta('e'), status('e', 'not-scheduled'), snap('e', null, 0), 2000)], 'worst')).toBe(true);
  });
  it('groups by area keeping the sort order inside each area', () => {
    const groups = groupByArea(sortTiles(tiles, 'worst'));
    expect(groups.map((g) => [g.areaId, g.tiles.map((t) => t.lineId)])).toEqual([['x', ['c', 'a']], ['y', ['d', 'b']]]);
  });
});

describe('fitGrid', () => {
  it.each([1, 4, 7, 12, 50, 60])('fits %i tiles on a 1920x1080 TV without overflow', (n) => {
    const g = fitGrid(n, 1920, 1080);
    expect(g.cols * g.rows).toBeGreaterThanOrEqual(n);
    expect(g.cols * g.tileWidth + 8 * (g.cols - 1)).toBeLessThanOrEqual(1920.0001);
    expect(g.rows * g.tileHeight + 8 * (g.rows - 1)).toBeLessThanOrEqual(1080.0001);
    // No empty row: fewer tiles would not fit the same rows.
    expect((g.rows - 1) * g.cols).toBeLessThan(n);
  });
  it('makes tiles smaller as lines are added', () => {
    expect(fitGrid(50, 1920, 1080).tileWidth).toBeLessThan(fitGrid(6, 1920, 1080).tileWidth);
  });
});
