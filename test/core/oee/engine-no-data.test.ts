import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { serviceDownFrom, type Monitoring } from '../../../src/core/oee/no-data.ts';
import type { OeeQuery } from '../../../src/core/oee/report.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import type { Plant } from '../../../src/core/plant.schema.ts';
import { EventMaker, H, MIN, MONDAY, makePlant } from './fixtures.ts';

// One 06:00-14:00 shift, UTC, no breaks (fixtures.ts): 480 planned minutes when watched all along.
const at = (h: number, m = 0, s = 0) => MONDAY + h * H + m * MIN + s * 1000;
const shift = (q: Partial<OeeQuery> = {}): OeeQuery => ({ from: at(6), to: at(14), now: at(14), by: 'window', ...q });
const total = (plant: Plant, events: FloorEvent[], q: Partial<OeeQuery> = {}, monitoring?: Monitoring, lineId = 'l1') => {
  const l = computeOee(plant, events, shift(q), monitoring).lines.find((x) => x.id === lineId);
  if (!l) throw new Error('no line');
  return l.total;
};
const minutes = (ms: number) => ms / MIN;

/** Heartbeats from the line's gateway (its first station) every 30 s over [from, to]. */
function heartbeats(m: EventMaker, from: number, to: number): FloorEvent[] {
  const out: FloorEvent[] = [];
  for (let t = from; t <= to; t += 30_000) out.push(m.ev(t, { type: 'machine.heartbeat' }, { deviceId: 'gw-l1' }));
  return out;
}

describe('computeOee: no data before monitoring starts', () => {
  it('leaves the time before a line\'s first event out of planned time and reports coverage beside OEE', () => {
    const plant = makePlant({ monitoredFrom: null });
    const m = new EventMaker();
    const t = total(plant, [m.count(at(8), 21_600)]);
    expect(minutes(t.plannedMs)).toBe(360);
    expect(minutes(t.noDataMs)).toBe(120);
    expect(minutes(t.scheduledMs)).toBe(480);
    expect(t.coverage).toBe(0.75);
    // Never run time: 6 h watched, 21,600 parts of 1 s in them is 100 %, not 75 %.
    expect(t.availability).toBe(1);
    expect(t.oee).toBe(1);
  });

  it('starts at the first stored event the caller names when it is earlier than the events given', () => {
    const plant = makePlant({ monitoredFrom: null });
    const m = new EventMaker();
    const t = total(plant, [m.count(at(8), 100)], {}, { firstEventAt: new Map([['l1', at(7)]]) });
    expect(minutes(t.noDataMs)).toBe(60);
  });

  it('starts at monitoredFrom from the plant file when it is set, whatever the first event', () => {
    const plant = makePlant({ monitoredFrom: new Date(at(7)).toISOString() });
    const m = new EventMaker();
    expect(minutes(total(plant, [m.count(at(9), 100)]).noDataMs)).toBe(60);
    expect(minutes(total(plant, [m.count(at(6, 30), 100)]).noDataMs)).toBe(60);
  });

  it('shows a line with no events at all as all no data: not scheduled, no OEE, coverage 0', () => {
    const t = total(makePlant({ monitoredFrom: null }), []);
    expect(t).toMatchObject({ isScheduled: false, oee: null, availability: null, coverage: 0, plannedMs: 0 });
    expect(minutes(t.noDataMs)).toBe(480);
  });

  it('knows nothing after now: a first event after now leaves everything up to now without data', () => {
    const m = new EventMaker();
    const t = total(makePlant({ monitoredFrom: null }), [m.count(at(12), 100)], { now: at(10) });
    expect(minutes(t.noDataMs)).toBe(240);
    expect(t.coverage).toBe(0);
  });
});

describe('computeOee: no data while a gateway is silent', () => {
  const plant = makePlant({ heartbeatTimeoutSec: 60 });

  it('dates a silence longer than the heartbeat timeout from the last signal heard to the next', () => {
    const m = new EventMaker();
    const events = [...heartbeats(m, at(6), at(9)), ...heartbeats(m, at(10), at(14))];
    const t = total(plant, events);
    expect(minutes(t.noDataMs)).toBe(60);
    expect(minutes(t.plannedMs)).toBe(420);
    expect(t.coverage).toBe(420 / 480);
  });

  it('never counts a silent machine as running: "running" then silence is no data, not run time', () => {
    const m = new EventMaker();
    const events = [m.ev(at(6), { type: 'machine.state', state: 'running' }, { deviceId: 'gw-l1' }), m.ev(at(9), { type: 'machine.state', state: 'running' }, { deviceId: 'gw-l1' })];
    const t = total(plant, events, { now: at(9) });
    expect(minutes(t.noDataMs)).toBe(180);
    expect(t.runMs).toBe(0);
    expect(t.isScheduled).toBe(false);
  });

  it('detects a silence still going on once the timeout has passed, and not before', () => {
    const m = new EventMaker();
    const events = heartbeats(m, at(6), at(11));
    expect(total(plant, events, { now: at(11, 0, 59) }).noDataMs).toBe(0);
    expect(total(plant, events, { now: at(11, 1, 1) }).noDataMs).toBe(61_000);
    expect(minutes(total(plant, events, { now: at(12) }).noDataMs)).toBe(60);
  });

  it('watches only the machine station: signals of another station are no gateway', () => {
    const m = new EventMaker();
    const other = [m.ev(at(6), { type: 'machine.heartbeat' }, { stationId: 'elsewhere' }), m.ev(at(12), { type: 'machine.heartbeat' }, { stationId: 'elsewhere' })];
    expect(total(plant, other).noDataMs).toBe(0);
  });

  it('does not count the stops recorded inside no-data time, and counts the rest of a stop that runs out of it', () => {
    const m = new EventMaker();
    const events = [...heartbeats(m, at(6), at(9)), ...m.stop(at(9, 10), at(9, 20), { reasonId: 'jam' }), ...m.stop(at(9, 50), at(10, 10), { reasonId: 'jam' }), ...heartbeats(m, at(10), at(14))];
    const t = total(plant, events);
    expect(minutes(t.stopMs)).toBe(10);
    expect(t.stopCount).toBe(1);
  });
});

describe('computeOee: no data while the service was down', () => {
  const plant = makePlant();
  const down: Monitoring = { serviceDown: [{ start: at(10), end: at(11) }] };

  it('leaves a service-down window out of planned time', () => {
    const m = new EventMaker();
    const t = total(plant, [m.count(at(7), 100)], {}, down);
    expect(minutes(t.noDataMs)).toBe(60);
    expect(minutes(t.plannedMs)).toBe(420);
  });

  it('takes the downtime from the run log: gaps between runs, a crashed run ending at its last alive time', () => {
    const runs = [
      { startedAt: at(5), aliveAt: at(10), endedAt: null },
      { startedAt: at(11), aliveAt: at(12), endedAt: at(12) },
      { startedAt: at(12, 30), aliveAt: at(13), endedAt: null },
    ];
    expect(serviceDownFrom(runs)).toEqual([
      { start: at(10), end: at(11) },
      { start: at(12), end: at(12, 30) },
    ]);
    const m = new EventMaker();
    expect(minutes(total(plant, [m.count(at(7), 100)], {}, { serviceDown: serviceDownFrom(runs) }).noDataMs)).toBe(90);
  });
});

describe('computeOee: noData "unplanned-stop"', () => {
  it('counts no-data time as an unplanned stop booked to breakdown, never as running, with the same coverage', () => {
    const plant = makePlant({ monitoredFrom: null, noData: 'unplanned-stop' });
    const m = new EventMaker();
    const t = total(plant, [m.count(at(8), 21_600)]);
    expect(minutes(t.plannedMs)).toBe(480);
    expect(minutes(t.scheduledMs)).toBe(480);
    expect(minutes(t.stopMs)).toBe(120);
    expect(minutes(t.lossMs.breakdown)).toBe(120);
    expect(t.availability).toBe(0.75);
    expect(t.coverage).toBe(0.75);
    // Not a stop event: no stop count, no MTBF, no reason tally.
    expect(t.stopCount).toBe(0);
    expect(t.mtbfMs).toBeNull();
    expect(t.topReasons).toEqual([]);
  });

  it('rolls coverage up from summed times across lines that book no data differently', () => {
    const base = makePlant({ monitoredFrom: null });
    const plant: Plant = {
      ...base,
      areas: base.areas.map((a) => ({ ...a, lines: a.lines.map((l) => (l.id === 'l2' ? { ...l, noData: 'unplanned-stop' as const } : l)) })),
    };
    const m = new EventMaker();
    const r = computeOee(plant, [m.count(at(8), 100), m.count(at(10), 100, 0, 'p1', 'l2')], shift({ lineIds: ['l1', 'l2'] }));
    const a1 = r.areas.find((a) => a.id === 'a1')?.total;
    // l1: 120 min no data of 480 scheduled; l2: 240 of 480.
    expect(a1?.coverage).toBe((960 - 360) / 960);
    expect(minutes(a1?.noDataMs ?? 0)).toBe(360);
  });
});
