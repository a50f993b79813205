import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { foldStationStates, StationStateFold } from '../../../src/core/station-state/index.ts';
import { EventMaker, H, makePlant, MIN, MONDAY } from '../oee/fixtures.ts';

const plant = makePlant();
const l1 = indexPlant(plant).lines.get('l1')!;
const T0 = MONDAY + 6 * H; // the shift 06:00-14:00 starts

describe('station fold', () => {
  it('shows an open machine stop as stopped on the station and the line', () => {
    const m = new EventMaker();
    const events = [m.ev(T0, { type: 'machine.state', state: 'running' }), m.ev(T0 + 10 * MIN, { type: 'machine.state', state: 'fault' })];
    for (let t = T0; t <= T0 + 15 * MIN; t += MIN) events.push(m.ev(t, { type: 'machine.heartbeat' }, { deviceId: 'gw' }));
    const { line, stations } = foldStationStates(plant, l1, events, T0 + 15 * MIN);
    expect(line.state).toBe('stopped');
    expect(line.stopId).toBe(events[1]!.id);
    expect(line.isAwaitingReason).toBe(true);
    expect(stations[0]).toMatchObject({ stationId: 's1', state: 'stopped', since: T0 + 10 * MIN, stop: { stopId: events[1]!.id, source: 'machine', isSmallStop: false } });
  });

  it('leaves out a void recorded after the moment read, as the OEE engine does (as-of)', () => {
    const m = new EventMaker();
    const count = m.ev(T0 + MIN, { type: 'count', productId: 'p1', good: 10, reject: 0 });
    const events = [count, m.ev(T0 + 5 * MIN, { type: 'void', voids: count.id, reason: 'entered twice' })];
    const fold = new StationStateFold(plant, l1);
    for (const e of events) fold.add(e);
    expect(fold.read(T0 + 2 * MIN).line.good).toBe(10);
    expect(fold.read(T0 + 6 * MIN).line.good).toBe(0);
    expect(fold.read(T0 + 2 * MIN).line.good).toBe(10);
  });

  it('counts what the OEE engine counts, per station and for the line', () => {
    const m = new EventMaker();
    const events = [
      m.ev(T0 - MIN, { type: 'count', productId: 'p1', good: 50, reject: 0 }), // before the shift: not counted
      m.ev(T0 + MIN, { type: 'machine.counter', total: 100 }),
      m.ev(T0 + 2 * MIN, { type: 'machine.counter', total: 160, rejectTotal: 4 }),
      m.ev(T0 + 3 * MIN, { type: 'count', productId: 'p1', good: 10, reject: 2 }),
      m.ev(T0 + 4 * MIN, { type: 'scrap', productId: 'p1', quantity: 3, reasonId: 'mech' }),
    ];
    const now = T0 + 10 * MIN;
    const { line, stations } = foldStationStates(plant, l1, events, now);
    const oee = computeOee(plant, events, { from: T0, to: T0 + 8 * H, now, by: 'window', lineIds: ['l1'] }).lines[0]!.total;
    expect([line.good, line.reject]).toEqual([oee.good, oee.reject]);
    expect([stations[0]!.good, stations[0]!.reject]).toEqual([oee.good, oee.reject]);
    expect(line.target).toBe(Math.floor((10 * MIN * 0.85) / 1000));
    expect(stations[0]!.target).toBe(line.target);
  });

  it('leaves no-data time out of the target, as the OEE engine leaves it out of planned time', () => {
    const m = new EventMaker();
    const events = [m.ev(T0, { type: 'machine.state', state: 'running' })];
    // The gateway beats for 5 minutes and then falls silent until the moment read.
    for (let t = T0; t <= T0 + 5 * MIN; t += MIN) events.push(m.ev(t, { type: 'machine.heartbeat' }, { deviceId: 'gw' }));
    const now = T0 + 30 * MIN;
    const watched = makePlant({ heartbeatTimeoutSec: 90 });
    const wl1 = indexPlant(watched).lines.get('l1')!;
    const { line, stations } = foldStationStates(watched, wl1, events, now);
    const oee = computeOee(watched, events, { from: T0, to: T0 + 8 * H, now, by: 'window', lineIds: ['l1'] }).lines[0]!.total;
    expect(oee.plannedMs).toBeLessThan(30 * MIN);
    expect(line.target).toBe(Math.floor((oee.plannedMs * 0.85) / 1000));
    expect(stations[0]!.target).toBe(line.target);
  });

  it('is incremental: adding one by one equals the batch fold', () => {
    const m = new EventMaker();
    const events = [m.ev(T0, { type: 'count', productId: 'p1', good: 1, reject: 0 }), ...m.stop(T0 + MIN, T0 + 5 * MIN)];
    const fold = new StationStateFold(plant, l1);
    for (const e of [...events].reverse()) fold.add(e);
    expect(fold.read(T0 + 6 * MIN)).toEqual(foldStationStates(plant, l1, events, T0 + 6 * MIN));
  });
});
