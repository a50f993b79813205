import { describe, expect, it } from 'vitest';
import { compareLines, oeeByLine, ratiosOf, toWeeks, type BucketSums } from '../../../src/core/charts/series.ts';
import { bandStateName, overlayNoData, stateBands, stateTotals, type TimelineSegment } from '../../../src/core/charts/timeline.ts';
import { boardTile, type LineMeta } from '../../../src/core/charts/board.ts';
import { displayStateOfLine, stateStyles } from '../../../src/core/charts/states.ts';
import type { OeeSnapshot } from '../../../src/core/live.schema.ts';

const H = 3_600_000;
const DAY = 24 * H;

describe('trends: days and hours without data are gaps, not 0 %', () => {
  const seen: BucketSums = { start: 0, end: DAY, plannedMs: 8 * H, runMs: 6 * H, idealMs: 3 * H, good: 100, total: 100, noDataMs: 0, scheduledMs: 8 * H };
  // Excluded no data: nothing planned is left. Booked as an unplanned stop: planned, but none of it seen.
  const excluded: BucketSums = { start: DAY, end: 2 * DAY, plannedMs: 0, runMs: 0, idealMs: 0, good: 0, total: 0, noDataMs: 8 * H, scheduledMs: 8 * H };
  const asStop: BucketSums = { start: 2 * DAY, end: 3 * DAY, plannedMs: 8 * H, runMs: 0, idealMs: 0, good: 0, total: 0, noDataMs: 8 * H, scheduledMs: 8 * H };

  it('plots null (a gap in uPlot) for a day nobody saw, whichever way the line books no data', () => {
    const { columns } = oeeByLine([{ lineId: 'l1', buckets: [seen, excluded, asStop] }]);
    expect(columns[1]).toEqual([37.5, null, null]);
    expect(ratiosOf(asStop).oee).toBeNull();
    // A day that was seen but made nothing is still 0 %: that is a real loss, not a gap.
    expect(ratiosOf({ ...asStop, noDataMs: 0 }).oee).toBe(0);
  });

  it('reports coverage beside OEE in the line comparison, and keeps the sums through the week roll-up', () => {
    const [row] = compareLines([{ lineId: 'l1', buckets: [seen, excluded] }]);
    expect(row).toMatchObject({ coverage: 0.5, oee: 0.375 });
    const [week] = toWeeks([seen, excluded], 'UTC');
    expect(week).toMatchObject({ noDataMs: 8 * H, scheduledMs: 16 * H });
  });
});

describe('timeline: no data has its own band, colour, pattern and word', () => {
  const run = (start: number, end: number): TimelineSegment => ({ start, end, state: 'running', stopId: null, reasonId: null, loss: null });
  const stop = (start: number, end: number): TimelineSegment => ({ start, end, state: 'stopped', stopId: 's1', reasonId: 'jam', loss: 'breakdown' });

  it('lays no-data spans over run time and stops, never drawing them as running', () => {
    const segs = overlayNoData([run(0, 2 * H), stop(2 * H, 3 * H), run(3 * H, 8 * H)], [
      { start: -Infinity, end: H },
      { start: 2.5 * H, end: 4 * H },
    ]);
    expect(segs.map((s) => [s.state, s.start, s.end])).toEqual([
      ['no-data', 0, H],
      ['running', H, 2 * H],
      ['stopped', 2 * H, 2.5 * H],
      ['no-data', 2.5 * H, 4 * H],
      ['running', 4 * H, 8 * H],
    ]);
    const shift = { start: 0, end: 8 * H, breaks: [[3 * H, 3.5 * H]] as [number, number][] };
    const bands = stateBands(segs, [shift], 0, 8 * H);
    const named = Array.from(bands.state, (c, i) => [bandStateName(c), bands.start[i], bands.end[i]]);
    // A break inside no-data time is still a break (not planned time either way).
    expect(named).toEqual([
      ['no-data', 0, H],
      ['running', H, 2 * H],
      ['stopped', 2 * H, 2.5 * H],
      ['no-data', 2.5 * H, 3 * H],
      ['planned', 3 * H, 3.5 * H],
      ['no-data', 3.5 * H, 4 * H],
      ['running', 4 * H, 8 * H],
    ]);
    expect(stateTotals(bands)['no-data']).toBe(2 * H);
    expect(stateStyles['no-data'].pattern).toBe('stripes');
    expect(new Set(Object.values(stateStyles).map((s) => s.colour)).size).toBe(Object.keys(stateStyles).length);
  });
});

describe('board: a line nobody saw shows "no data", with coverage beside OEE', () => {
  const meta: LineMeta = {
    line: { id: 'l1', name: 'L1', stations: [{ id: 's', name: 'S' }], products: [{ productId: 'p', idealCycleTimeSec: 2 }], smallStopThresholdSec: 120, startupRejectWindowSec: 600, targetOee: 0.85, heartbeatTimeoutSec: 60, noData: 'excluded' },
    areaId: 'a1',
    areaName: 'A1',
  };
  const snap = (over: Partial<OeeSnapshot>): OeeSnapshot => ({
    v: 1, scope: 'line', id: 'l1', siteId: 's', shiftId: 'early', from: 0, to: 8 * H, at: 2 * H, availability: null, performance: null, quality: null, oee: null, isScheduled: false,
    isPerformanceOverLimit: false, plannedMs: 0, noDataMs: 2 * H, coverage: 0, runMs: 0, stopMs: 0, good: 0, reject: 0, total: 0, stopCount: 0, topLosses: [], ...over,
  });

  it('is "no data", not "not scheduled", when nothing of the shift was seen', () => {
    const t = boardTile(meta, undefined, snap({}), 2 * H);
    expect(t.state).toBe('no-data');
    expect(t.coverage).toBe(0);
  });

  it('shows partial coverage beside the OEE of the time that was seen', () => {
    const t = boardTile(meta, undefined, snap({ isScheduled: true, oee: 0.7, plannedMs: H, noDataMs: H, coverage: 0.5 }), 2 * H);
    expect(t).toMatchObject({ oee: 0.7, coverage: 0.5, state: 'unknown' });
  });

  it('maps a live "no-data" line state (a silent gateway) to the no-data display state', () => {
    expect(displayStateOfLine('no-data')).toBe('no-data');
    expect(displayStateOfLine('running', true, true)).toBe('no-data');
    expect(displayStateOfLine('fault', true, true)).toBe('stopped');
  });
});
