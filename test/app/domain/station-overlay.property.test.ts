import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { overlayStation } from '../../../src/app/domain/station-overlay.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import type { StationStatus } from '../../../src/core/live.schema.ts';
import { plantSchema } from '../../../src/core/plant.schema.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { foldStationStates } from '../../../src/core/station-state/index.ts';
import { EventMaker, H, makePlant, MIN, MONDAY, id } from '../../core/oee/fixtures.ts';

// Line l1 with two stations: s1 has the machine (gateway), s1b is manual.
const base = makePlant();
const plant = plantSchema.parse({
  ...base,
  areas: base.areas.map((a) => ({ ...a, lines: a.lines.map((l) => (l.id === 'l1' ? { ...l, stations: [{ id: 's1', name: 's1' }, { id: 's1b', name: 's1b' }], machineStationId: 's1' } : l)) })),
});
const l1 = indexPlant(plant).lines.get('l1')!;
const T0 = MONDAY + 6 * H;
const reasons = ['jam', 'mech', 'setup', 'small'];

/** One happening on the line before the snapshot (machine signals, entries of other tablets). */
const opArb = fc.record({ kind: fc.integer({ min: 0, max: 7 }), station: fc.constantFrom('s1', 's1b'), dt: fc.integer({ min: 0, max: 20 }), n: fc.integer({ min: 1, max: 50 }), pick: fc.nat() });
/** One entry this tablet makes after the snapshot, still waiting for its ack. */
const entryArb = fc.record({ kind: fc.integer({ min: 0, max: 6 }), dt: fc.integer({ min: 0, max: 5 }), n: fc.integer({ min: 1, max: 20 }), pick: fc.nat() });

function history(m: EventMaker, ops: { kind: number; station: string; dt: number; n: number; pick: number }[]): { events: FloorEvent[]; t: number } {
  const events: FloorEvent[] = [];
  let t = T0;
  let counter = 0;
  const open: string[] = [];
  for (const o of ops) {
    t += o.dt * MIN;
    const on = { lineId: 'l1', stationId: o.station };
    const gw = { lineId: 'l1', stationId: 's1', deviceId: 'gw' };
    switch (o.kind) {
      case 0:
        // Not 'setup': a machine's setup changeover names no product, and is not laid over (see the report).
        events.push(m.ev(t, { type: 'machine.state', state: o.pick % 2 === 0 ? 'running' : 'fault' }, gw));
        break;
      case 1:
        events.push(m.ev(t, { type: 'machine.counter', total: (counter += o.n) }, gw));
        break;
      case 2:
        events.push(m.ev(t, { type: 'count', productId: o.pick % 2 ? 'p1' : 'p2', good: o.n, reject: o.pick % 3 }, on));
        break;
      case 3: {
        const s = m.ev(t, { type: 'stop.start', stopId: id(900_000 + events.length) }, on);
        events.push({ ...s, id: (s as { stopId: string }).stopId } as FloorEvent);
        open.push((s as { stopId: string }).stopId);
        break;
      }
      case 4: {
        const stopId = open.shift();
        // Some get their reason as they end, so the status has stops with a reason to split. (Not
        // while open: a status names only a station's earliest open stop, and one open behind it
        // with a reason is in no list for the tablet to lay its entries over.)
        if (stopId && o.pick % 3 === 0) events.push(m.ev(t, { type: 'stop.classify', stopId, reasonId: reasons[o.pick % reasons.length]! }, on));
        if (stopId) events.push(m.ev(t, { type: 'stop.end', stopId }, on));
        break;
      }
      case 5:
        events.push(m.ev(t, { type: 'changeover.start', toProductId: o.pick % 2 ? 'p1' : 'p2' }, on));
        break;
      case 6:
        events.push(m.ev(t, { type: 'changeover.end', productId: o.pick % 2 ? 'p1' : 'p2' }, on));
        break;
      default:
        events.push(m.ev(t, { type: 'machine.heartbeat' }, gw));
    }
  }
  return { events, t };
}

/** Entries an operator at `station` makes, guided by what the tablet shows (as a real one would). */
function entries(m: EventMaker, shown: StationStatus, ops: { kind: number; dt: number; n: number; pick: number }[], t0: number): FloorEvent[] {
  const out: FloorEvent[] = [];
  const on = { lineId: 'l1', stationId: shown.stationId, deviceId: 'tab-me' };
  let t = t0;
  let openStop = shown.stop?.stopId ?? null;
  for (const o of ops) {
    t += o.dt * MIN + 1000;
    switch (o.kind) {
      case 0:
        out.push(m.ev(t, { type: 'count', productId: shown.productId ?? 'p1', good: o.n, reject: o.pick % 2 }, on));
        break;
      case 1: {
        const s = m.ev(t, { type: 'stop.start', stopId: id(800_000 + out.length) }, on);
        openStop = (s as { stopId: string }).stopId;
        out.push({ ...s, id: openStop } as FloorEvent);
        break;
      }
      case 2:
        if (openStop) out.push(m.ev(t, { type: 'stop.end', stopId: openStop }, on));
        openStop = null;
        break;
      case 3: {
        // A stop that already has its reason is split: its later part gets another.
        const withReason = shown.classified?.[o.pick % Math.max(1, shown.classified.length)];
        if (withReason && o.n % 2 === 0 && withReason.end - withReason.start >= 2000) {
          const at = withReason.start + Math.max(1000, Math.floor((withReason.end - withReason.start) / 2 / 1000) * 1000);
          out.push(m.ev(t, { type: 'stop.split', stopId: withReason.stopId, at, newStopId: id(950_000 + out.length), reasonId: reasons[(o.pick + 1) % reasons.length]! }, on));
          break;
        }
        const target = shown.awaiting[o.pick % Math.max(1, shown.awaiting.length)]?.stopId ?? openStop;
        if (target) out.push(m.ev(t, { type: 'stop.classify', stopId: target, reasonId: reasons[o.pick % reasons.length]! }, on));
        break;
      }
      case 4:
        if (shown.changeover?.toProductId) out.push(m.ev(t, { type: 'changeover.end', productId: shown.changeover.toProductId }, on));
        else out.push(m.ev(t, { type: 'changeover.start', toProductId: o.pick % 2 ? 'p1' : 'p2' }, on));
        break;
      case 5:
        out.push(m.ev(t, { type: 'note', text: 'x' }, on));
        break;
      default:
        out.push(m.ev(t, { type: 'scrap', productId: shown.productId ?? 'p1', quantity: 1, reasonId: 'mech' }, on));
    }
  }
  return out;
}

/** What the operator sees of a station status (the times the service stamps aside). */
const seen = (s: StationStatus) => ({
  state: s.state,
  since: s.since,
  stop: s.stop,
  changeover: s.changeover,
  productId: s.productId,
  good: s.good,
  reject: s.reject,
  target: s.target,
  awaiting: s.awaiting,
  awaitingCount: s.awaitingCount,
  classified: s.classified,
});

describe("the tablet's view of its station", () => {
  it("(last service status + its own unacknowledged entries) equals the service's state once they are acknowledged", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.array(entryArb, { minLength: 1, maxLength: 8 }), fc.constantFrom('s1', 's1b'), fc.integer({ min: 0, max: 10 }), (ops, mine, stationId, laterMin) => {
        const m = new EventMaker();
        const { events, t } = history(m, ops);
        const snapshotAt = t + 30_000;
        const snapshot = foldStationStates(plant, l1, events, snapshotAt).stations.find((s) => s.stationId === stationId)!;
        const waiting = entries(m, snapshot, mine, snapshotAt);
        fc.pre(waiting.length > 0);
        const now = waiting.at(-1)!.ts + laterMin * MIN + 1;
        const service = foldStationStates(plant, l1, [...events, ...waiting], now).stations.find((s) => s.stationId === stationId)!;
        const tablet = overlayStation({ plant, indexed: l1, status: snapshot, waiting, now }).status;
        expect(seen(tablet)).toEqual(seen(service));
      }),
      { numRuns: 300 },
    );
  });
});
