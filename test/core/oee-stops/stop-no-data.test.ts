import { describe, expect, it } from 'vitest';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import { stopsByLine } from '../../../src/core/oee-stops/stop-detail.ts';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { lineNoData, noDataWithin, type Monitoring } from '../../../src/core/oee/no-data.ts';
import { reasonLosses } from '../../../src/core/oee/query.schema.ts';
import { EventMaker, H, MIN, MONDAY, makePlant } from '../oee/fixtures.ts';

// One 06:00-14:00 shift, no breaks (fixtures.ts); l1's gateway is its first station.
const at = (h: number, m = 0) => MONDAY + h * H + m * MIN;
const plantWith = (monitoredFrom: number | null) => makePlant({ monitoredFrom: monitoredFrom === null ? null : new Date(monitoredFrom).toISOString(), heartbeatTimeoutSec: 60 });
const lineOf = (plant: ReturnType<typeof makePlant>) => plant.areas.flatMap((a) => a.lines).find((l) => l.id === 'l1')!;

/** Gateway heartbeats every 30 s over [from, to). */
const beats = (m: EventMaker, from: number, to: number): FloorEvent[] => {
  const out: FloorEvent[] = [];
  for (let t = from; t < to; t += 30_000) out.push(m.ev(t, { type: 'machine.heartbeat' }, { deviceId: 'gw-l1' }));
  return out;
};

interface Case {
  name: string;
  /** Events around one operator stop from `stopAt` to `stopEnd` (reason jam, a breakdown). */
  events: (m: EventMaker) => FloorEvent[];
  stop: [number, number];
  monitoring?: Monitoring;
  monitoredFrom?: number;
  counted: number;
  noData: number;
}

const cases: Case[] = [
  { name: 'all watched', events: (m) => [m.count(at(6), 1)], stop: [at(8), at(8, 30)], counted: 30, noData: 0 },
  { name: 'the service was down inside the stop', events: (m) => [m.count(at(6), 1)], stop: [at(8), at(8, 30)], monitoring: { serviceDown: [{ start: at(8, 10), end: at(8, 20) }] }, counted: 20, noData: 10 },
  { name: 'the service was down over the whole stop', events: (m) => [m.count(at(6), 1)], stop: [at(8), at(8, 30)], monitoring: { serviceDown: [{ start: at(7), end: at(9) }] }, counted: 0, noData: 30 },
  { name: 'the gateway fell silent in the stop and came back', events: (m) => [...beats(m, at(6), at(8, 5)), ...beats(m, at(8, 25), at(14))], stop: [at(8), at(8, 30)], counted: 9.5, noData: 20.5 },
  { name: 'the stop began before monitoring began', events: (m) => [m.count(at(8, 12), 1)], stop: [at(8, 12), at(8, 40)], counted: 28, noData: 0 },
  { name: 'monitoring began inside the stop (monitoredFrom 08:15)', events: (m) => [m.count(at(8, 15), 1)], stop: [at(8), at(8, 40)], monitoredFrom: at(8, 15), counted: 25, noData: 15 },
];

describe("a stop's counted time and the no-data time never overlap (/api/stops, as OEE)", () => {
  it.each(cases)('$name: $counted min counted, $noData min no data', (c) => {
    const m = new EventMaker();
    const [start, end] = c.stop;
    const s = m.ev(start, { type: 'stop.start', stopId: 'stop-1', reasonId: 'jam' }, { id: 'stop-1' });
    const events = [...c.events(m), s, m.ev(end, { type: 'stop.end', stopId: 'stop-1' })];
    const now = at(14);
    const plant = plantWith(c.monitoredFrom ?? null);
    const line = lineOf(plant);
    const stop = stopsByLine([line], events, now, reasonLosses(plant))[0]!.stops.find((x) => x.id === 'stop-1')!;
    const noDataMs = noDataWithin(stop.start, stop.end, lineNoData(line, events, now, c.monitoring));
    expect([(stop.end - stop.start - noDataMs) / MIN, noDataMs / MIN]).toEqual([c.counted, c.noData]);
    // The engine's stop time is the same counted time.
    const oee = computeOee(plant, events, { from: at(6), to: at(14), now, by: 'window' }, c.monitoring).lines.find((l) => l.id === 'l1')!.total;
    expect(oee.stopMs / MIN).toBe(c.counted);
  });
});
