import { describe, expect, it } from 'vitest';
import { liveStopOfStations, stopsOfStations, type LineStop } from '../../../src/app/domain/station-stops.ts';
import type { LineStatus } from '../../../src/core/live.schema.ts';

const min = 60_000;
const stop = (id: string, stationId: string, start: number, end: number, isOpen = false): LineStop => ({ id, stationId, start: start * min, end: end * min, isOpen, reasonId: null });
const status = (stopId: string | null, isAwaitingReason = true): LineStatus => ({
  v: 1, siteId: 'site', areaId: 'assembly', lineId: 'line-a', state: 'stopped', since: 40 * min, stopId, reasonId: null,
  isAwaitingReason, productId: null, shiftId: null, operatorId: null, updatedAt: 40 * min,
});
const mine = new Set(['a1']);

describe("the stops a tablet lists as needing a reason are its stations' only", () => {
  it('keeps the enrolled station\'s stops of the line-wide answer and leaves the other stations\' out', () => {
    const { stops } = stopsOfStations([stop('M1', 'a1', 5, 10), stop('M2', 'a2', 6, 12), stop('M3', 'a1', 20, 45, true)], mine);
    expect(stops).toEqual([
      { stopId: 'M1', start: 5 * min, end: 10 * min, reasonId: null },
      { stopId: 'M3', start: 20 * min, end: null, reasonId: null },
    ]);
  });

  it('shows the line\'s live machine stop only when the stops list says it is the enrolled station\'s', () => {
    const { stationOf } = stopsOfStations([stop('OURS', 'a1', 40, 45, true), stop('THEIRS', 'a2', 40, 45, true)], mine);
    expect(liveStopOfStations(status('OURS'), stationOf, mine)).toEqual({ stop: { stopId: 'OURS', start: 40 * min, end: null, reasonId: null }, isKnown: true });
    expect(liveStopOfStations(status('THEIRS'), stationOf, mine)).toEqual({ stop: null, isKnown: true });
  });

  it('hides a live stop the stops list does not know yet, and says to fetch the list again', () => {
    expect(liveStopOfStations(status('NEW'), new Map(), mine)).toEqual({ stop: null, isKnown: false });
  });

  it('has nothing to show or fetch when the line status awaits no reason', () => {
    expect(liveStopOfStations(status('OURS', false), new Map(), mine)).toEqual({ stop: null, isKnown: true });
    expect(liveStopOfStations(null, new Map(), mine)).toEqual({ stop: null, isKnown: true });
  });
});
