import { describe, expect, it } from 'vitest';
import type { Line } from '../../../src/core/plant.schema.ts';
import { stopContexts } from '../../../src/core/oee-stops/stop-context.ts';
import { stopsByLine } from '../../../src/core/oee-stops/stop-detail.ts';
import { eventFixture } from '../../helpers/event-fixture.ts';

const line = {
  id: 'l1', name: 'L1', stations: [{ id: 's1', name: 'S1' }], targetOee: 0.85, smallStopThresholdSec: 120, heartbeatTimeoutSec: 60,
  products: [{ productId: 'p1', idealCycleTimeSec: 1 }, { productId: 'p2', idealCycleTimeSec: 2 }],
} as unknown as Line;
const t0 = Date.UTC(2026, 11, 4, 8);
const MIN = 60_000;

describe('who and what a stop list names', () => {
  it('names the operator who opened or classified a stop, never a gateway, and the product made then', () => {
    const tab = eventFixture({ deviceId: 't', author: 'anna', lineId: 'l1', stationId: 's1' });
    const gw = eventFixture({ deviceId: 'g', author: 'gw', lineId: 'l1', stationId: 's1' });
    const first = tab.stop(t0, t0 + 5 * MIN, 'jam');
    const co = [tab.at(t0 + 10 * MIN, { type: 'changeover.start', toProductId: 'p2' }), tab.at(t0 + 20 * MIN, { type: 'changeover.end', productId: 'p2' })];
    const fault = gw.at(t0 + 30 * MIN, { type: 'machine.state', state: 'fault' });
    const back = gw.at(t0 + 40 * MIN, { type: 'machine.state', state: 'running' });
    const machineOnly = gw.at(t0 + 50 * MIN, { type: 'machine.state', state: 'fault' });
    const machineBack = gw.at(t0 + 55 * MIN, { type: 'machine.state', state: 'running' });
    const cls = tab.at(t0 + 41 * MIN, { type: 'stop.classify', stopId: fault.id, reasonId: 'jam' });
    const events = [...first, ...co, fault, back, cls, machineOnly, machineBack];
    const stops = stopsByLine([line], events, t0 + 60 * MIN, new Map([['jam', 'breakdown']]))[0]!.stops;
    const ctx = stopContexts(line, events, stops, (id) => id !== 'gw');
    expect(ctx.get(first[0]!.id)).toEqual({ operatorId: 'anna', productId: 'p1' });
    expect(ctx.get(fault.id)).toEqual({ operatorId: 'anna', productId: 'p2' });
    expect(ctx.get(machineOnly.id)).toEqual({ operatorId: null, productId: 'p2' });
  });
});
