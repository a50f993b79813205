import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import type { OeeQuery } from '../../../src/core/oee/report.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import { EventMaker, H, MIN, MONDAY, id, makePlant } from './fixtures.ts';

const plant = makePlant();
const at = (h: number, m = 0) => MONDAY + h * H + m * MIN;
const q: OeeQuery = { from: MONDAY, to: MONDAY + 24 * H, now: MONDAY + 24 * H, by: 'window' };
const total = (events: FloorEvent[], query: OeeQuery = q) => {
  const l = computeOee(plant, events, query).lines.find((x) => x.id === 'l1');
  if (!l) throw new Error('no line');
  return l.total;
};

describe('computeOee: counts, products and changeovers', () => {
  it('uses the ideal cycle time of the product each count was made as, across changeovers', () => {
    const m = new EventMaker();
    const t = total([
      m.ev(at(6, 1), { type: 'machine.counter', total: 1000 }), // baseline, first product p1
      m.ev(at(7), { type: 'machine.counter', total: 1100 }), // 100 x p1 (1 s)
      m.ev(at(8), { type: 'changeover.start', toProductId: 'p2' }),
      m.ev(at(8, 30), { type: 'changeover.end', productId: 'p2' }),
      m.ev(at(9), { type: 'machine.counter', total: 1150 }), // 50 x p2 (2 s)
      m.count(at(10), 10, 0, 'p1'), // explicit product wins: 10 x 1 s
    ]);
    expect(t.idealMs).toBe(100_000 + 100_000 + 10_000);
    expect(t.total).toBe(160);
    expect(t.lossMs.setup).toBe(30 * MIN);
    expect(t.topReasons[0]).toEqual({ reasonId: null, loss: 'setup', durationMs: 30 * MIN, count: 1 });
  });

  it('treats a counter drop as a reset and takes the new value as the delta', () => {
    const m = new EventMaker();
    const t = total([
      m.ev(at(7), { type: 'machine.counter', total: 500, rejectTotal: 5 }),
      m.ev(at(8), { type: 'machine.counter', total: 600, rejectTotal: 7 }),
      m.ev(at(9), { type: 'machine.counter', total: 40, rejectTotal: 1 }),
    ]);
    expect([t.total, t.good, t.reject]).toEqual([140, 137, 3]);
  });

  it('books rejects soon after a changeover to reduced yield, later ones to process defects', () => {
    const m = new EventMaker();
    const t = total([
      m.ev(at(7), { type: 'changeover.start', toProductId: 'p2' }),
      m.ev(at(7, 10), { type: 'changeover.end', productId: 'p2' }),
      m.count(at(7, 15), 10, 3, 'p2'),
      m.count(at(9), 10, 4, 'p2'),
    ]);
    expect(t.lossMs['reduced-yield']).toBe(3 * 2000);
    expect(t.lossMs['process-defect']).toBe(4 * 2000);
  });

  it('moves scrapped parts from good to reject at the scrap time', () => {
    const m = new EventMaker();
    const t = total([m.count(at(7), 100), m.ev(at(9), { type: 'scrap', productId: 'p1', quantity: 20, reasonId: 'mech' })]);
    expect([t.good, t.reject, t.total, t.idealMs]).toEqual([80, 20, 100, 100_000]);
  });

  it('gives a window quality and OEE of 0, not below, when scrap found in it exceeds what it counted', () => {
    const m = new EventMaker();
    // 100 parts before ten; after ten, 10 counted and then 30 of the earlier ones scrapped.
    const events = [m.count(at(7), 100), m.count(at(11), 10), m.ev(at(12), { type: 'scrap', productId: 'p1', quantity: 30, reasonId: 'mech' })];
    const late = total(events, { ...q, from: at(10), to: at(14), now: at(14) });
    expect([late.good, late.reject, late.total]).toEqual([-20, 30, 10]);
    expect(late.quality).toBe(0);
    expect(late.oee).toBe(0);
    // The day as a whole still nets out: 110 counted, 30 of them scrap.
    const day = total(events);
    expect([day.good, day.reject, day.quality]).toEqual([80, 30, 80 / 110]);
  });
});

describe('computeOee: machine states, reasons and splits', () => {
  it('opens a machine stop on any non-running state and closes it on running', () => {
    const m = new EventMaker();
    const fault = m.ev(at(7), { type: 'machine.state', state: 'fault' });
    const t = total([
      fault,
      m.ev(at(7, 20), { type: 'machine.state', state: 'running' }),
      m.ev(at(8), { type: 'machine.state', state: 'setup' }),
      m.ev(at(8, 10), { type: 'machine.state', state: 'running' }),
      m.ev(at(9), { type: 'stop.classify', stopId: fault.id, reasonId: 'jam' }),
    ]);
    expect(t.lossMs.breakdown).toBe(20 * MIN);
    expect(t.lossMs.setup).toBe(10 * MIN);
    expect(t.topReasons.find((r) => r.loss === 'breakdown')?.reasonId).toBe('jam');
  });

  it('lets the latest classification by time win, whatever the arrival order', () => {
    const m = new EventMaker();
    const [s, e] = m.stop(at(7), at(7, 30));
    const c1 = m.ev(at(8), { type: 'stop.classify', stopId: s.id, reasonId: 'jam' });
    const c2 = m.ev(at(9), { type: 'stop.classify', stopId: s.id, reasonId: 'maint' });
    for (const order of [[s, e, c1, c2], [c2, e, c1, s]]) {
      const t = total(order);
      expect([t.plannedStopMs, t.stopMs]).toEqual([30 * MIN, 0]);
    }
  });

  it('splits a stop in two with its own reason', () => {
    const m = new EventMaker();
    const [s, e] = m.stop(at(7), at(8), { reasonId: 'jam' });
    const split = m.ev(at(9), { type: 'stop.split', stopId: s.id, at: at(7, 40), newStopId: id(9000), reasonId: 'setup' });
    const t = total([s, e, split]);
    expect([t.lossMs.breakdown, t.lossMs.setup, t.stopCount]).toEqual([40 * MIN, 20 * MIN, 2]);
  });

  it('calls an unclassified long stop a breakdown with no reason', () => {
    const m = new EventMaker();
    expect(total(m.stop(at(7), at(7, 5))).topReasons).toEqual([{ reasonId: null, loss: 'breakdown', durationMs: 5 * MIN, count: 1 }]);
  });
});

describe('computeOee: corrections, voids, duplicates and order', () => {
  it('applies a correction under the original time, and a correction of a correction', () => {
    const m = new EventMaker();
    const c = m.count(at(7), 100);
    const fix1 = m.ev(at(12), { type: 'correction', supersedes: c.id, reason: 'typo', replacement: { type: 'count', productId: 'p1', good: 90, reject: 10 } });
    expect(total([c, fix1]).reject).toBe(10);
    const fix2 = m.ev(at(13), { type: 'correction', supersedes: fix1.id, reason: 'typo again', replacement: { type: 'count', productId: 'p2', good: 80, reject: 20 } });
    const t = total([fix2, c, fix1]);
    expect([t.good, t.reject, t.idealMs]).toEqual([80, 20, 200_000]);
    // Voiding the second correction brings the first back.
    const v = m.ev(at(14), { type: 'void', voids: fix2.id, reason: 'wrong' });
    expect(total([c, fix1, fix2, v]).reject).toBe(10);
  });

  it('drops a voided event and ignores copies of one event id', () => {
    const m = new EventMaker();
    const [s, e] = m.stop(at(7), at(8));
    const c = m.count(at(9), 50);
    const v = m.ev(at(10), { type: 'void', voids: s.id, reason: 'test stop' });
    expect(total([s, e, c, v]).stopMs).toBe(0);
    const t = total([c, s, e, c, { ...s }, e]);
    expect([t.good, t.stopMs, t.stopCount]).toEqual([50, 60 * MIN, 1]);
  });

  it('gives the same report whatever the arrival order', () => {
    const m = new EventMaker();
    const evs = [...m.stop(at(7), at(7, 30)), m.count(at(7, 45), 300, 3), m.ev(at(8), { type: 'changeover.start', toProductId: 'p2' }), m.ev(at(8, 20), { type: 'changeover.end', productId: 'p2' }), m.count(at(9), 40, 1, 'p2')];
    const a = computeOee(plant, evs, { ...q, by: 'hour' });
    const b = computeOee(plant, [...evs].reverse(), { ...q, by: 'hour' });
    expect(b).toEqual(a);
  });
});

describe('computeOee: nothing after now is known', () => {
  it('ignores ends, classifications, splits and counts recorded after now', () => {
    const m = new EventMaker();
    const [s, e] = m.stop(at(7), at(9)); // ends after now
    const evs = [
      s,
      e,
      m.ev(at(10), { type: 'stop.classify', stopId: s.id, reasonId: 'maint' }),
      m.ev(at(10), { type: 'stop.split', stopId: s.id, at: at(7, 30), newStopId: id(8000) }),
      m.count(at(7, 50), 100),
      m.count(at(8, 30), 100),
    ];
    const t = total(evs, { ...q, now: at(8) });
    expect([t.stopMs, t.plannedStopMs, t.stopCount, t.good, t.plannedMs]).toEqual([60 * MIN, 0, 1, 100, 2 * H]);
    // Later, all of it is known: the split leaves the stop's id (and its reason) on the first part.
    const later = total(evs, { ...q, now: at(11) });
    expect([later.plannedStopMs, later.stopMs, later.good]).toEqual([30 * MIN, 90 * MIN, 200]);
  });
});

