import { describe, expect, it } from 'vitest';
import { overlayStation } from '../../../src/app/domain/station-overlay.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import { plantSchema } from '../../../src/core/plant.schema.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { foldStationStates } from '../../../src/core/station-state/index.ts';
import { EventMaker, H, makePlant, MONDAY, id } from '../../core/oee/fixtures.ts';

const base = makePlant();
const plant = plantSchema.parse({
  ...base,
  areas: base.areas.map((a) => ({ ...a, lines: a.lines.map((l) => (l.id === 'l1' ? { ...l, stations: [{ id: 's1', name: 's1' }, { id: 's1b', name: 's1b' }], machineStationId: 's1' } : l)) })),
});
const l1 = indexPlant(plant).lines.get('l1')!;
const T0 = MONDAY + 6 * H;
const S = 1000;

describe("the tablet's view while it splits an earlier stop", () => {
  it('keeps the state\'s start from the status: running since the later stop ended, not since the split one did (found by the property test, seed 1175088341)', () => {
    const m = new EventMaker();
    const on = { lineId: 'l1', stationId: 's1b' };
    const stop = (from: number, to: number, stopId: string): FloorEvent[] => [
      { ...m.ev(T0 + from, { type: 'stop.start', stopId }, on), id: stopId } as FloorEvent,
      m.ev(T0 + to, { type: 'stop.classify', stopId, reasonId: 'jam' }, on),
      m.ev(T0 + to, { type: 'stop.end', stopId }, on),
    ];
    const [a, b] = [id(900_001), id(900_002)];
    const events = [...stop(0, 60 * S, a), ...stop(60 * S, 120 * S, b)];
    const snapshot = foldStationStates(plant, l1, events, T0 + 150 * S).stations.find((s) => s.stationId === 's1b')!;
    expect(snapshot).toMatchObject({ state: 'running', since: T0 + 120 * S });
    // The operator splits the first stop, long ended, at its middle.
    const waiting = [m.ev(T0 + 151 * S, { type: 'stop.split', stopId: a, at: T0 + 30 * S, newStopId: id(950_000), reasonId: 'mech' }, { ...on, deviceId: 'tab-me' })];
    const shown = overlayStation({ plant, indexed: l1, status: snapshot, waiting, now: T0 + 160 * S }).status;
    const service = foldStationStates(plant, l1, [...events, ...waiting], T0 + 160 * S).stations.find((s) => s.stationId === 's1b')!;
    expect(shown.since).toBe(service.since);
    expect(shown.since).toBe(T0 + 120 * S);
    expect(shown.classified?.map((c) => [c.start - T0, c.end - T0, c.reasonId])).toEqual(service.classified?.map((c) => [c.start - T0, c.end - T0, c.reasonId]));
  });
});
