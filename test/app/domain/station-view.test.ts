import { describe, expect, it } from 'vitest';
import { deriveStationView } from '../../../src/app/domain/station-view.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';

let seq = 0;
const ev = (ts: number, payload: Record<string, unknown>, stationId = 'a1'): FloorEvent =>
  ({ v: 1, id: String(seq).padStart(26, '0'), deviceId: 'tab-1', seq: seq++, ts, author: 'op-a', lineId: 'line-a', stationId, ...payload }) as FloorEvent;
const opts = { stationId: 'a1', from: 0, smallStopMs: 120_000, defaultProductId: 'widget' };
const min = 60_000;

describe('deriveStationView', () => {
  it('is running with the default product when nothing happened', () => {
    expect(deriveStationView([], opts)).toMatchObject({ state: 'running', since: null, productId: 'widget', openStop: null, needsReason: [], good: 0, reject: 0 });
  });

  it('shows an open stop with its start, and running again after it ends', () => {
    const start = ev(10 * min, { type: 'stop.start', stopId: 's1'.padEnd(26, '0').toUpperCase() });
    const stopId = (start as { stopId: string }).stopId;
    expect(deriveStationView([start], opts)).toMatchObject({ state: 'stopped', since: 10 * min, openStop: { stopId, end: null } });
    const end = ev(15 * min, { type: 'stop.end', stopId });
    expect(deriveStationView([start, end], opts)).toMatchObject({ state: 'running', since: 15 * min, openStop: null });
  });

  it('lists unclassified stops at or above the small-stop threshold, oldest first; small stops need no reason', () => {
    const events = [
      ev(50 * min, { type: 'stop.start', stopId: 'B' }), ev(55 * min, { type: 'stop.end', stopId: 'B' }),
      ev(10 * min, { type: 'stop.start', stopId: 'A' }), ev(13 * min, { type: 'stop.end', stopId: 'A' }),
      ev(20 * min, { type: 'stop.start', stopId: 'S' }), ev(21 * min, { type: 'stop.end', stopId: 'S' }),
      ev(30 * min, { type: 'stop.start', stopId: 'C', reasonId: 'jam' }), ev(40 * min, { type: 'stop.end', stopId: 'C' }),
    ];
    expect(deriveStationView(events, opts).needsReason.map((s) => s.stopId)).toEqual(['A', 'B']);
    const classified = [...events, ev(60 * min, { type: 'stop.classify', stopId: 'A', reasonId: 'setup' })];
    expect(deriveStationView(classified, opts).needsReason.map((s) => s.stopId)).toEqual(['B']);
  });

  it('splits a stop in two: the part after the split gets its own reason', () => {
    const events = [
      ev(0, { type: 'stop.start', stopId: 'A' }), ev(10 * min, { type: 'stop.end', stopId: 'A' }),
      ev(11 * min, { type: 'stop.split', stopId: 'A', at: 4 * min, newStopId: 'N', reasonId: 'setup' }),
    ];
    const view = deriveStationView(events, opts);
    expect(view.needsReason).toEqual([{ stopId: 'A', start: 0, end: 4 * min, reasonId: null }]);
  });

  it('sums counts of this shift only, follows product changes, and ignores other stations', () => {
    const events = [
      ev(1 * min, { type: 'count', productId: 'widget', good: 5, reject: 1 }),
      ev(100 * min, { type: 'count', productId: 'widget', good: 7, reject: 2, scrapReasonId: 'scrap-dim' }),
      ev(110 * min, { type: 'changeover.start', toProductId: 'gadget' }),
      ev(111 * min, { type: 'count', productId: 'gadget', good: 50, reject: 0 }, 'a2'),
    ];
    expect(deriveStationView(events, { ...opts, from: 60 * min })).toMatchObject({ state: 'changeover', since: 110 * min, good: 7, reject: 2 });
    const after = [...events, ev(120 * min, { type: 'changeover.end', productId: 'gadget' })];
    expect(deriveStationView(after, { ...opts, from: 60 * min })).toMatchObject({ state: 'running', productId: 'gadget' });
  });

  it('nests a stop in a changeover: the changeover resumes when the stop ends, and knows its target', () => {
    const events = [
      ev(10 * min, { type: 'changeover.start', toProductId: 'gadget' }),
      ev(12 * min, { type: 'stop.start', stopId: 'B' }),
    ];
    expect(deriveStationView(events, opts)).toMatchObject({ state: 'stopped', changeoverTo: 'gadget', openStop: { stopId: 'B' } });
    const resumed = [...events, ev(20 * min, { type: 'stop.end', stopId: 'B' })];
    expect(deriveStationView(resumed, opts)).toMatchObject({ state: 'changeover', since: 10 * min, changeoverTo: 'gadget', productId: 'widget' });
    const done = [...resumed, ev(30 * min, { type: 'changeover.end', productId: 'gadget' })];
    expect(deriveStationView(done, opts)).toMatchObject({ state: 'running', since: 30 * min, changeoverTo: null, productId: 'gadget' });
  });
});
