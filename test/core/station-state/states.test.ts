import { describe, expect, it } from 'vitest';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { foldStationStates } from '../../../src/core/station-state/index.ts';
import { plantSchema } from '../../../src/core/plant.schema.ts';
import { EventMaker, H, MIN, MONDAY, id } from '../oee/fixtures.ts';
import { twoStationPlant } from './fixtures.ts';

const T0 = MONDAY + 6 * H;
const S = 1000;
const fold = (events: Parameters<typeof foldStationStates>[2], now: number, plant = twoStationPlant()) => foldStationStates(plant, indexPlant(plant).lines.get('l1')!, events, now);
const gw = { deviceId: 'gw', stationId: 's1' };

describe('station fold: no data', () => {
  it('is no data when the gateway falls silent for longer than the heartbeat timeout, and running again when it speaks', () => {
    const m = new EventMaker();
    const events = [m.ev(T0, { type: 'machine.state', state: 'running' }, gw), m.ev(T0 + 30 * S, { type: 'machine.heartbeat' }, gw)];
    expect(fold(events, T0 + 90 * S).line.state).toBe('running'); // 60 s after the last heartbeat: not yet
    const silent = fold(events, T0 + 91 * S);
    expect(silent.line).toMatchObject({ state: 'no-data', since: T0 + 30 * S, lastSignalAt: T0 + 30 * S });
    expect(silent.stations.map((s) => s.state)).toEqual(['no-data', 'running']); // s2 has no gateway: its operators still see it
    events.push(m.ev(T0 + 10 * MIN, { type: 'machine.heartbeat' }, gw));
    expect(fold(events, T0 + 10 * MIN + S).line).toMatchObject({ state: 'running', since: T0 + 10 * MIN });
  });

  it('honours a per-line heartbeat timeout', () => {
    const m = new EventMaker();
    const events = [m.ev(T0, { type: 'machine.heartbeat' }, gw)];
    expect(fold(events, T0 + 100 * S, twoStationPlant({ heartbeatTimeoutSec: 300 })).line.state).toBe('running');
    expect(fold(events, T0 + 100 * S).line.state).toBe('no-data');
  });

  it('is no data before monitoring started: before monitoredFrom, or before the first event', () => {
    const m = new EventMaker();
    expect(fold([], T0 + MIN).line.state).toBe('no-data');
    const events = [m.ev(T0 + 5 * MIN, { type: 'count', productId: 'p1', good: 1, reject: 0 }, { stationId: 's2', deviceId: 'tab' })];
    expect(fold(events, T0 + 4 * MIN).stations.map((s) => s.state)).toEqual(['no-data', 'no-data']);
    expect(fold(events, T0 + 6 * MIN).line.state).toBe('running');
    const later = twoStationPlant({ monitoredFrom: new Date(T0 + 30 * MIN).toISOString() });
    expect(fold(events, T0 + 6 * MIN, later).line.state).toBe('no-data');
    expect(fold(events, T0 + 31 * MIN, later).line).toMatchObject({ state: 'running', since: T0 + 30 * MIN });
  });
});

describe('station fold: states', () => {
  it('is not scheduled outside shifts', () => {
    const m = new EventMaker();
    const events = [m.ev(T0, { type: 'count', productId: 'p1', good: 1, reject: 0 }, { stationId: 's2', deviceId: 'tab' })];
    const out = fold(events, MONDAY + 15 * H);
    expect(out.line).toMatchObject({ state: 'not-scheduled', shiftId: null });
    expect(out.stations.every((s) => s.state === 'not-scheduled')).toBe(true);
  });

  it('shows a changeover from -> to on every station, ended from another tablet with the product now running', () => {
    const m = new EventMaker();
    const start = m.ev(T0 + MIN, { type: 'changeover.start', toProductId: 'p2' }, { stationId: 's2', deviceId: 'tab-a' });
    const events = [m.ev(T0, { type: 'count', productId: 'p1', good: 1, reject: 0 }, { stationId: 's2', deviceId: 'tab-a' }), start];
    const during = fold(events, T0 + 2 * MIN);
    expect(during.line).toMatchObject({ state: 'changeover', since: T0 + MIN, changeover: { changeoverId: start.id, fromProductId: 'p1', toProductId: 'p2' } });
    expect(during.stations.map((s) => s.state)).toEqual(['changeover', 'changeover']);
    expect(during.line.awaitingCount).toBe(0); // a changeover needs no reason
    events.push(m.ev(T0 + 3 * MIN, { type: 'changeover.end', productId: 'p2' }, { stationId: 's1', deviceId: 'tab-b' }));
    const after = fold(events, T0 + 4 * MIN);
    expect(after.line).toMatchObject({ state: 'running', since: T0 + 3 * MIN, productId: 'p2', changeover: null });
  });

  it('nests a stop in a changeover: stopped while it lasts, changeover again after it', () => {
    const m = new EventMaker();
    const [s, e] = m.stop(T0 + 10 * MIN, T0 + 20 * MIN, { lineId: 'l1' });
    const events = [m.ev(T0, { type: 'changeover.start', toProductId: 'p2' }, { stationId: 's1' }), s];
    expect(fold(events, T0 + 15 * MIN).line).toMatchObject({ state: 'stopped', stopId: s.id, changeover: { toProductId: 'p2' } });
    events.push(e);
    expect(fold(events, T0 + 25 * MIN).line).toMatchObject({ state: 'changeover', since: T0 });
  });

  it('lists small stops awaiting a reason, flagged, on the station that had them', () => {
    const m = new EventMaker();
    const [s1, e1] = m.stop(T0 + MIN, T0 + MIN + 30 * S, { lineId: 'l1' }); // 30 s: small
    const [s2, e2] = m.stop(T0 + 5 * MIN, T0 + 10 * MIN, { lineId: 'l1' });
    const out = fold([s1, e1, s2, e2], T0 + 11 * MIN);
    expect(out.stations[0]!.awaiting.map((a) => [a.stopId, a.isSmallStop])).toEqual([
      [s1.id, true],
      [s2.id, false],
    ]);
    expect(out.stations[1]!.awaiting).toEqual([]);
    expect(out.line.awaitingCount).toBe(2);
  });

  it('keeps every part of a stop that reaches into the shift, the part split off before the shift too: awaiting its reason, then classified', () => {
    // A night shift before the early one: the time before T0 is the last shift's.
    const base = twoStationPlant();
    const night = { id: 'night', name: 'Night', days: base.calendar.shifts[0]!.days, start: '22:00', end: '06:00' };
    const plant = plantSchema.parse({ ...base, calendar: { ...base.calendar, shifts: [...base.calendar.shifts, night] } });
    const m = new EventMaker();
    const [start, end] = m.stop(T0 - 10 * MIN, T0 + 2 * MIN, { lineId: 'l1' });
    const split = m.ev(T0 + 3 * MIN, { type: 'stop.split', stopId: start.id, at: T0 - 8 * MIN, newStopId: id(7000), reasonId: 'setup' });
    expect(fold([start, end, split], T0 + 5 * MIN, plant).stations[0]!.awaiting.map((a) => [a.stopId, a.start, a.end])).toEqual([[start.id, T0 - 10 * MIN, T0 - 8 * MIN]]);
    const classify = m.ev(T0 + 6 * MIN, { type: 'stop.classify', stopId: start.id, reasonId: 'mech' });
    const after = fold([start, end, split, classify], T0 + 7 * MIN, plant).stations[0]!;
    expect(after.awaiting).toEqual([]);
    expect(after.classified?.map((c) => [c.stopId, c.reasonId])).toEqual([[id(7000), 'setup'], [start.id, 'mech']]);
  });

  it('gives two stations their own counts, summing to the line', () => {
    const m = new EventMaker();
    const events = [
      m.ev(T0 + MIN, { type: 'count', productId: 'p1', good: 5, reject: 1 }, { stationId: 's1', deviceId: 'a' }),
      m.ev(T0 + MIN, { type: 'count', productId: 'p1', good: 7, reject: 0 }, { stationId: 's2', deviceId: 'b' }),
    ];
    const out = fold(events, T0 + 2 * MIN);
    expect(out.stations.map((s) => [s.good, s.reject])).toEqual([
      [5, 1],
      [7, 0],
    ]);
    expect([out.line.good, out.line.reject]).toEqual([12, 1]);
  });
});
