import { describe, expect, it } from 'vitest';
import { deriveStationView, mergeNeedsReason, type StopView } from '../../../src/app/domain/station-view.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';

let seq = 0;
const ev = (ts: number, payload: Record<string, unknown>): FloorEvent =>
  ({ v: 1, id: `E${String(seq).padStart(25, '0')}`, deviceId: 'tab-1', seq: seq++, ts, author: 'op-a', lineId: 'line-a', stationId: 'a1', ...payload }) as FloorEvent;
const min = 60_000;
const stop = (stopId: string, start: number, end: number | null, reasonId: string | null = null): StopView => ({ stopId, start: start * min, end: end === null ? null : end * min, reasonId });
const viewOf = (events: FloorEvent[]) => deriveStationView(events, { stationId: 'a1', from: 0, smallStopMs: 2 * min, defaultProductId: null });
const ids = (list: StopView[]) => list.map((s) => s.stopId);

describe('mergeNeedsReason', () => {
  it('lists fetched earlier stops, the live machine stop and the station\'s own stops, oldest first, once each', () => {
    const own = [ev(30 * min, { type: 'stop.start', stopId: 'OWN' }), ev(35 * min, { type: 'stop.end', stopId: 'OWN' })];
    const fetched = [stop('M2', 20, 25), stop('M1', 5, 10), stop('OWN', 30, 35)];
    const list = mergeNeedsReason(viewOf(own), { live: stop('LIVE', 40, null), fetched, local: own });
    expect(ids(list)).toEqual(['M1', 'M2', 'OWN', 'LIVE']);
  });

  it('keeps the live stop once when the fetched list already has it', () => {
    const list = mergeNeedsReason(viewOf([]), { live: stop('M1', 5, null), fetched: [stop('M1', 5, null)], local: [] });
    expect(list).toEqual([stop('M1', 5, null)]);
  });

  it('drops a stop classified on this tablet at once, before the service acknowledges it', () => {
    const local = [ev(50 * min, { type: 'stop.classify', stopId: 'M1', reasonId: 'setup' })];
    const list = mergeNeedsReason(viewOf(local), { live: stop('LIVE', 40, null), fetched: [stop('M1', 5, 10), stop('M2', 20, 25)], local });
    expect(ids(list)).toEqual(['M2', 'LIVE']);
  });

  it('keeps only the earlier, unclassified part of a stop split on this tablet', () => {
    const local = [ev(50 * min, { type: 'stop.split', stopId: 'M1', at: 7 * min, newStopId: 'M1B', reasonId: 'jam' })];
    const list = mergeNeedsReason(viewOf(local), { live: null, fetched: [stop('M1', 5, 10)], local });
    expect(list).toEqual([stop('M1', 5, 7)]);
  });

  it('leaves out the station\'s open stop (it has its own button) and stops with a reason', () => {
    const own = [ev(30 * min, { type: 'stop.start', stopId: 'OPEN' })];
    const fetched = [stop('OPEN', 30, null), stop('R', 5, 10, 'setup')];
    expect(mergeNeedsReason(viewOf(own), { live: stop('OPEN', 30, null), fetched, local: own })).toEqual([]);
  });

  it('shows the last fetched list plus local state when nothing else is known (offline)', () => {
    const own = [ev(30 * min, { type: 'stop.start', stopId: 'OWN' }), ev(36 * min, { type: 'stop.end', stopId: 'OWN' })];
    const list = mergeNeedsReason(viewOf(own), { live: null, fetched: [stop('M1', 5, 10)], local: own });
    expect(list).toEqual([stop('M1', 5, 10), stop('OWN', 30, 36)]);
  });
});
