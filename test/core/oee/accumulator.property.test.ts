import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { OeeAccumulator } from '../../../src/core/oee/accumulator.ts';
import type { Bucketing, OeeReport } from '../../../src/core/oee/report.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import type { Monitoring } from '../../../src/core/oee/no-data.ts';
import { EventMaker, H, MIN, MONDAY, id, makePlant } from './fixtures.ts';

const shape = {
  threshold: 120,
  shifts: [
    { id: 'a', name: 'A', days: ['mon', 'tue'], start: '06:00', end: '14:00', breaks: [{ name: 'b', start: '10:00', end: '10:20' }] },
    { id: 'n', name: 'N', days: ['mon'], start: '22:00', end: '02:00' },
  ],
} satisfies Parameters<typeof makePlant>[0];
const plant = makePlant(shape);
const SPAN = 30 * H;
const lineIds = ['l1', 'l2', 'l3'];
const reasons = ['jam', 'mech', 'setup', 'maint', 'small', 'nope'];

/** A random plausible stream: stops, machine states and counters, counts, changeovers, reasons, splits, edits. */
const opArb = fc.record({
  kind: fc.integer({ min: 0, max: 12 }),
  line: fc.integer({ min: 0, max: 2 }),
  // Whole minutes, so many events share a timestamp and the tie-break order matters.
  t: fc.integer({ min: 0, max: SPAN / MIN }).map((x) => x * MIN),
  len: fc.oneof(fc.integer({ min: 0, max: 3 * MIN }), fc.integer({ min: 0, max: 3 * H })),
  n: fc.integer({ min: 0, max: 500 }),
  pick: fc.nat(),
});

type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

function streamOf(ops: Op[]): FloorEvent[] {
  const m = new EventMaker();
  const out: FloorEvent[] = [];
  const stops: string[] = [];
  for (const o of ops) {
    const lineId = lineIds[o.line] as string;
    const ts = MONDAY + o.t;
    const pick = <T>(xs: readonly T[]) => xs[o.pick % xs.length] as T;
    switch (o.kind) {
      case 0:
      case 1: {
        const [s, e] = m.stop(ts, ts + o.len, { lineId, ...(o.n % 3 === 0 ? { reasonId: pick(reasons) } : {}) });
        stops.push(s.id);
        out.push(s);
        if (o.n % 7 !== 0) out.push(e); // some stay open
        break;
      }
      case 2:
      case 3:
        out.push(m.ev(ts, { type: 'count', productId: o.n % 2 ? 'p1' : 'p2', good: o.n + 1, reject: o.n % 5 }, { lineId }));
        break;
      case 4:
        out.push(m.ev(ts, { type: 'machine.state', state: pick(['running', 'fault', 'setup', 'idle', 'running'] as const) }, { lineId, deviceId: `gw-${lineId}` }));
        break;
      case 5:
        out.push(m.ev(ts, { type: 'machine.counter', total: o.n * 10, ...(o.n % 2 ? { rejectTotal: o.n } : {}), ...(o.pick % 3 === 0 ? { productId: 'p2' } : {}) }, { lineId, deviceId: `gw-${lineId}` }));
        break;
      case 6:
        out.push(m.ev(ts, o.n % 2 ? { type: 'changeover.start', toProductId: pick(['p1', 'p2']) } : { type: 'changeover.end', productId: pick(['p1', 'p2']) }, { lineId }));
        break;
      case 7:
        if (stops.length) out.push(m.ev(ts, { type: 'stop.classify', stopId: pick(stops), reasonId: pick(reasons) }, { lineId }));
        break;
      case 8:
        if (stops.length) out.push(m.ev(ts, { type: 'stop.split', stopId: pick(stops), at: ts - o.len, newStopId: id(1_000_000 + o.pick % 1000), ...(o.n % 2 ? { reasonId: pick(reasons) } : {}) }, { lineId }));
        break;
      case 9:
        out.push(m.ev(ts, { type: 'scrap', productId: 'p1', quantity: o.n + 1, reasonId: 'mech' }, { lineId }));
        break;
      case 12:
        out.push(m.ev(ts, { type: 'machine.heartbeat' }, { lineId, deviceId: `gw-${lineId}` }));
        break;
      case 10:
      case 11: {
        if (!out.length) break;
        const target = out[o.pick % out.length] as FloorEvent;
        if (o.kind === 10) out.push(m.ev(ts, { type: 'void', voids: target.id, reason: 'wrong' }, { lineId }));
        else out.push(m.ev(ts, { type: 'correction', supersedes: target.id, reason: 'fix', replacement: { type: 'count', productId: 'p1', good: o.n + 2, reject: 1 } }, { lineId }));
        break;
      }
    }
  }
  return out;
}

/** Deep equality with ratios and times to 1e-9 (sums may be added in another order). */
function expectClose(a: unknown, b: unknown, path = '$'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))) throw new Error(`${path}: ${a} !== ${b}`);
    return;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    if (a !== b) throw new Error(`${path}: ${String(a)} !== ${String(b)}`);
    return;
  }
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  expect(ka, path).toEqual(kb);
  for (const k of ka) expectClose((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
}

/** Fisher-Yates driven by a seeded PRNG (mulberry32), so a failing case replays exactly. */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const streamArb = fc.array(opArb, { minLength: 0, maxLength: 60 });
const byArb = fc.constantFrom<Bucketing>('hour', 'shift', 'day', 'window');

/** Lines monitored from their first event, gateways silent after 10 min, no data booked either way. */
const gapPlants = (['excluded', 'unplanned-stop'] as const).map((noData) => makePlant({ ...shape, monitoredFrom: null, heartbeatTimeoutSec: 600, noData }));

/** What the service tells the engine: downtime between runs, and sometimes earlier first events. */
const monitoringArb = fc.record({
  down: fc.array(fc.record({ t: fc.integer({ min: 0, max: SPAN / MIN }), len: fc.integer({ min: 1, max: 4 * H }) }), { maxLength: 3 }),
  first: fc.option(fc.integer({ min: 0, max: SPAN / MIN })),
});
type MonitoringOp = typeof monitoringArb extends fc.Arbitrary<infer T> ? T : never;

function monitoringOf(o: MonitoringOp): Monitoring {
  return {
    serviceDown: o.down.map((d) => ({ start: MONDAY + d.t * MIN, end: MONDAY + d.t * MIN + d.len })),
    ...(o.first === null ? {} : { firstEventAt: new Map([['l2', MONDAY + o.first * MIN]]) }),
  };
}

describe('OeeAccumulator equals computeOee', () => {
  it('with no data: first events, gateway silences and service downtime, either way of booking it', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1), streamArb, byArb, fc.integer({ min: 0, max: SPAN }), fc.option(fc.integer()), monitoringArb, (p, ops, by, nowOff, shuffleSeed, mon) => {
        const gapPlant = gapPlants[p] as (typeof gapPlants)[number];
        const events = streamOf(ops);
        const sorted = [...events].sort((x, y) => x.ts - y.ts);
        const arrival = shuffleSeed !== null ? shuffled(events, shuffleSeed) : sorted;
        const window = { from: MONDAY + 2 * H, to: MONDAY + SPAN - H, by };
        const monitoring = monitoringOf(mon);
        const acc = new OeeAccumulator(gapPlant, window, monitoring);
        arrival.forEach((e) => acc.apply(e));
        const now = MONDAY + nowOff;
        const batch = computeOee(gapPlant, arrival, { ...window, now }, monitoring);
        expectClose(acc.report(now), batch);
        // No-data time is never run time, and coverage is what was seen of the scheduled time.
        for (const l of batch.lines) {
          const t = l.total;
          expect(t.runMs).toBeLessThanOrEqual(t.scheduledMs - t.noDataMs + 1e-6);
          if (t.coverage !== null) expect(t.coverage).toBeCloseTo((t.scheduledMs - t.noDataMs) / t.scheduledMs, 9);
        }
      }),
      { numRuns: 150, seed: 20261204 },
    );
  }, 120_000);

  it('on random streams, shuffled, duplicated, with corrections and voids, at several nows', () => {
    fc.assert(
      fc.property(streamArb, byArb, fc.integer({ min: 0, max: SPAN }), fc.option(fc.integer()), fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 0, max: SPAN }), (ops, by, nowOff, shuffleSeed, dupPicks, midOff) => {
        const events = streamOf(ops);
        // Mostly in time order, as live events come: the accumulator's fast path.
        const sorted = [...events].sort((x, y) => x.ts - y.ts);
        let arrival = shuffleSeed !== null ? shuffled(events, shuffleSeed) : sorted;
        arrival = [...arrival, ...dupPicks.filter(() => arrival.length > 0).map((p) => ({ ...(arrival[p % arrival.length] as FloorEvent) }))];
        const window = { from: MONDAY + 2 * H, to: MONDAY + SPAN - H, by };
        const acc = new OeeAccumulator(plant, window);
        const mid = Math.floor(arrival.length / 2);
        arrival.slice(0, mid).forEach((e) => acc.apply(e));
        // A report halfway must already agree with the batch over what has arrived.
        expectClose(acc.report(MONDAY + midOff), computeOee(plant, arrival.slice(0, mid), { ...window, now: MONDAY + midOff }));
        arrival.slice(mid).forEach((e) => acc.apply(e));
        const now = MONDAY + nowOff;
        const batch: OeeReport = computeOee(plant, arrival, { ...window, now });
        expectClose(acc.report(now), batch);
        // Arrival order and copies do not change the batch either.
        expectClose(computeOee(plant, [...events].reverse(), { ...window, now }), batch);
      }),
      { numRuns: 150, seed: 20261122 },
    );
  }, 120_000);
});
