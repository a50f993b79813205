import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventPayload, FloorEvent } from '../../../src/core/events.schema.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { foldsReport, foldStationStates, StationStateFold } from '../../../src/core/station-state/index.ts';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { H, id, MIN, MONDAY } from '../oee/fixtures.ts';
import { twoStationPlant } from './fixtures.ts';

const plant = twoStationPlant();
const l1 = indexPlant(plant).lines.get('l1')!;
const T0 = MONDAY + 6 * H;

/** One generated entry: what, when (minutes into the shift, some before it), where, and which earlier stop or event it names. */
const step = fc.record({
  kind: fc.constantFrom('count', 'counter', 'state', 'heartbeat', 'stop.start', 'stop.end', 'stop.classify', 'co.start', 'co.end', 'scrap', 'correction', 'void'),
  minute: fc.integer({ min: -30, max: 120 }),
  station: fc.constantFrom('s1', 's2'),
  pick: fc.nat(),
  n: fc.integer({ min: 1, max: 50 }),
});

/** Turns generated steps into events with valid references (stops, targets) among the earlier ones. */
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function eventsOf(steps: Step[]): FloorEvent[] {
  const out: FloorEvent[] = [];
  const stops: string[] = [];
  const seq = new Map<string, number>();
  let counter = 0;
  steps.forEach((s, i) => {
    const device = s.kind === 'counter' || s.kind === 'state' || s.kind === 'heartbeat' ? 'gw' : `tab-${s.station}`;
    const stationId = device === 'gw' ? 's1' : s.station;
    const eventId = id(i + 1);
    const ref = (list: readonly string[]) => list[s.pick % list.length];
    let payload: EventPayload | null = null;
    switch (s.kind) {
      case 'count': payload = { type: 'count', productId: s.pick % 2 ? 'p1' : 'p2', good: s.n, reject: s.pick % 3 }; break;
      case 'counter': payload = { type: 'machine.counter', total: (counter += s.n), rejectTotal: Math.floor(counter / 10) }; break;
      case 'state': payload = { type: 'machine.state', state: (['running', 'fault', 'setup', 'idle'] as const)[s.pick % 4]! }; break;
      case 'heartbeat': payload = { type: 'machine.heartbeat' }; break;
      case 'stop.start': stops.push(eventId); payload = { type: 'stop.start', stopId: eventId, ...(s.pick % 3 === 0 ? { reasonId: 'mech' } : {}) }; break;
      case 'stop.end': payload = stops.length ? { type: 'stop.end', stopId: ref(stops)! } : null; break;
      case 'stop.classify': payload = stops.length ? { type: 'stop.classify', stopId: ref(stops)!, reasonId: s.pick % 2 ? 'mech' : 'planned' } : null; break;
      case 'co.start': payload = { type: 'changeover.start', toProductId: s.pick % 2 ? 'p1' : 'p2' }; break;
      case 'co.end': payload = { type: 'changeover.end', productId: s.pick % 2 ? 'p1' : 'p2' }; break;
      case 'scrap': payload = { type: 'scrap', productId: 'p1', quantity: s.n, reasonId: 'mech' }; break;
      case 'correction': {
        const target = out.filter((e) => e.type === 'count')[s.pick % Math.max(1, out.length)];
        payload = target ? { type: 'correction', supersedes: target.id, reason: 'typo', replacement: { type: 'count', productId: 'p1', good: s.n, reject: 0 } } : null;
        break;
      }
      case 'void': {
        const target = out[s.pick % Math.max(1, out.length)];
        payload = target ? { type: 'void', voids: target.id, reason: 'wrong' } : null;
        break;
      }
    }
    if (!payload) return;
    const n = seq.get(device) ?? 0;
    seq.set(device, n + 1);
    out.push({ v: 1, id: eventId, deviceId: device, seq: n, ts: T0 + s.minute * MIN + (s.pick % 60) * 1000, author: device === 'gw' ? 'gw1' : 'op1', lineId: 'l1', stationId, ...payload } as FloorEvent);
  });
  return out;
}

describe('station fold: incremental equals batch', () => {
  it('for random streams in random arrival order with copies, read at any moment', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: -10, max: 150 }),
        fc.nat(),
        (steps, copies, nowMinute, seed) => {
          const events = eventsOf(steps);
          const arrivals = [...events, ...copies.filter(() => events.length > 0).map((k) => events[k % events.length]!)];
          // A seeded shuffle: arrival order independent of time order.
          const order = arrivals.map((e, i) => ({ e, key: (i * 2654435761 + seed) % 1000003 })).sort((a, b) => a.key - b.key).map((x) => x.e);
          const now = T0 + nowMinute * MIN;
          const fold = new StationStateFold(plant, l1);
          order.forEach((e, i) => {
            fold.add(e);
            // Read now and then, as the service does on every commit: reading must not change what follows.
            if (i % 7 === 0) fold.read(now);
          });
          expect(fold.read(now)).toEqual(foldStationStates(plant, l1, [...events].sort((a, b) => a.ts - b.ts), now));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("the live service's OEE from the folds' own timelines", () => {
  it('equals computeOee over the same events, in any arrival order, with service downtime', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 0, max: 150 }), fc.nat(), fc.integer({ min: 0, max: 120 }), (steps, nowMinute, seed, downAt) => {
        const events = eventsOf(steps);
        const order = events.map((e, i) => ({ e, key: (i * 2654435761 + seed) % 1000003 })).sort((a, b) => a.key - b.key).map((x) => x.e);
        const now = T0 + nowMinute * MIN;
        const window = { from: T0, to: T0 + 8 * H };
        const monitoring = { serviceDown: [{ start: T0 + downAt * MIN, end: T0 + (downAt + 7) * MIN }] };
        const fold = new StationStateFold(plant, l1);
        for (const e of order) fold.add(e);
        const live = foldsReport(plant, new Map([['l1', fold]]), window, now, monitoring);
        const batch = computeOee(plant, events, { ...window, by: 'window', now }, monitoring);
        expect(live).toEqual(batch);
      }),
      { numRuns: 150 },
    );
  });
});
