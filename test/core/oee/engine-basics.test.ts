import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import type { OeeQuery } from '../../../src/core/oee/report.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import type { Plant } from '../../../src/core/plant.schema.ts';
import { EventMaker, H, MIN, MONDAY, id, makePlant } from './fixtures.ts';

const pct = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 100);
const day = (q: Partial<OeeQuery> = {}): OeeQuery => ({ from: MONDAY, to: MONDAY + 24 * H, now: MONDAY + 24 * H, by: 'window', ...q });
const line = (plant: Plant, events: FloorEvent[], q: Partial<OeeQuery> = {}, lineId = 'l1') => {
  const r = computeOee(plant, events, day(q));
  const l = r.lines.find((x) => x.id === lineId);
  if (!l) throw new Error('no line');
  return l;
};
const at = (h: number, m = 0) => MONDAY + h * H + m * MIN;

describe('computeOee: the oee.com worked example (docs/oee.md)', () => {
  const plant = makePlant({
    shifts: [
      {
        id: 'early',
        name: 'Early',
        days: ['mon'],
        start: '06:00',
        end: '14:00',
        breaks: [
          { name: 'b1', start: '08:00', end: '08:15' },
          { name: 'lunch', start: '10:00', end: '10:30' },
          { name: 'b2', start: '12:00', end: '12:15' },
        ],
      },
    ],
  });
  const m = new EventMaker();
  const events = [...m.stop(at(9), at(9, 47)), m.count(at(11), 18_848, 423)];
  const t = line(plant, events).total;

  it.each([
    ['planned minutes', t.plannedMs / MIN, 420],
    ['run minutes', t.runMs / MIN, 373],
    ['good', t.good, 18_848],
    ['availability %', pct(t.availability), 88.81],
    ['performance %', pct(t.performance), 86.11],
    ['quality %', pct(t.quality), 97.8],
    ['OEE %', pct(t.oee), 74.79],
    ['utilization %', pct(t.utilization), 29.17],
    ['stop count', t.stopCount, 1],
  ])('%s', (_name, got, want) => expect(got).toBe(want));

  it('books the losses so they add up to planned time minus good ideal time', () => {
    const lossSum = Object.values(t.lossMs).reduce((a, b) => a + b, 0);
    expect(lossSum).toBeCloseTo(t.plannedMs - 18_848 * 1000, 6);
    expect(t.lossMs.breakdown).toBe(47 * MIN);
    expect(t.lossMs['process-defect']).toBe(423_000);
    expect(t.topReasons).toEqual([{ reasonId: null, loss: 'breakdown', durationMs: 47 * MIN, count: 1 }]);
  });
});

describe('computeOee: planned time', () => {
  const plant = makePlant();
  const m = new EventMaker();
  it.each<[string, () => FloorEvent[], Partial<OeeQuery>, Record<string, number>]>([
    ['planned stops are excluded from planned time', () => [...m.stop(at(7), at(7, 30), { reasonId: 'maint' })], {}, { plannedMs: 450 * MIN, plannedStopMs: 30 * MIN, stopMs: 0, stopCount: 0 }],
    ['time outside any shift is not planned, stops there ignored', () => [...m.stop(at(15), at(16))], {}, { plannedMs: 480 * MIN, stopMs: 0, stopCount: 0, allTimeMs: 24 * H }],
    ['a stop across the shift end counts only inside the shift', () => [...m.stop(at(13, 30), at(14, 30))], {}, { stopMs: 30 * MIN, stopCount: 1 }],
    ['an open stop counts until now and nothing after now is planned', () => [m.ev(at(7), { type: 'stop.start', stopId: id(999) })], { now: at(7, 20) }, { stopMs: 20 * MIN, plannedMs: 80 * MIN, allTimeMs: 7 * H + 20 * MIN }],
    ['overlapping stops are a union', () => [...m.stop(at(7), at(7, 30)), ...m.stop(at(7, 15), at(7, 45))], {}, { stopMs: 45 * MIN, stopCount: 2 }],
    ['a stop hidden under another adds nothing', () => [...m.stop(at(7), at(8)), ...m.stop(at(7, 10), at(7, 40))], {}, { stopMs: 60 * MIN, stopCount: 1 }],
    ['planned stop wins overlapping time over an unplanned one', () => [...m.stop(at(7), at(8), { reasonId: 'maint' }), ...m.stop(at(7, 30), at(8, 30))], {}, { plannedStopMs: 60 * MIN, stopMs: 30 * MIN }],
    ['a stop shorter than the threshold is a minor stop inside run time', () => [...m.stop(at(7), at(7, 1))], {}, { stopMs: 0, runMs: 480 * MIN, minorStopCount: 1, stopCount: 0 }],
    ['nothing is planned when now is before the window', () => [], { now: MONDAY - H }, { plannedMs: 0, allTimeMs: 0 }],
  ])('%s', (_name, make, q, want) => {
    const t = line(plant, make(), q).total;
    for (const [k, v] of Object.entries(want)) expect(t[k as keyof typeof t], k).toBe(v);
  });

  it('splits stops at hour buckets and counts each stop once, in the bucket it starts', () => {
    const r = line(plant, [...m.stop(at(6, 30), at(7, 30))], { by: 'hour' });
    const b6 = r.buckets.find((b) => b.start === at(6));
    const b7 = r.buckets.find((b) => b.start === at(7));
    expect([b6?.stopMs, b7?.stopMs, b6?.stopCount, b7?.stopCount]).toEqual([30 * MIN, 30 * MIN, 1, 0]);
    expect(r.buckets).toHaveLength(24);
    expect(r.total.stopCount).toBe(1);
  });

  it('reports zero planned time as not scheduled with null ratios', () => {
    const m2 = new EventMaker();
    const t = line(plant, [m2.count(at(20), 10)], { from: at(15), to: at(20, 30) }).total;
    // 0 planned in 5.5 h of calendar time: utilization and TEEP are 0 %, not unknown.
    expect(t).toMatchObject({ isScheduled: false, availability: null, performance: null, quality: null, oee: null, utilization: 0, teep: 0, good: 10 });
  });

  it('flags performance over 100 %', () => {
    const m2 = new EventMaker();
    const t = line(plant, [m2.count(at(7), 480 * 60 + 100)]).total;
    expect(t.isPerformanceOverLimit).toBe(true);
    expect(t.performance).toBeGreaterThan(1);
  });

  it('computes MTBF and MTTR from breakdown stops only', () => {
    const m2 = new EventMaker();
    const t = line(plant, [...m2.stop(at(7), at(7, 10)), ...m2.stop(at(9), at(9, 20), { reasonId: 'jam' }), ...m2.stop(at(10), at(10, 30), { reasonId: 'setup' })]).total;
    expect(t.mttrMs).toBe(15 * MIN);
    expect(t.mtbfMs).toBe(t.runMs / 2);
    expect(t.lossMs.setup).toBe(30 * MIN);
    expect(t.topReasons.map((r) => [r.reasonId, r.loss])).toEqual([
      ['setup', 'setup'],
      ['jam', 'breakdown'],
      [null, 'breakdown'],
    ]);
  });

  it('keeps the top five reasons, longest first', () => {
    const m2 = new EventMaker();
    const evs = [5, 6, 7, 8, 9, 10].flatMap((h, i) => m2.stop(at(h), at(h, 10 + i), { reasonId: ['jam', 'mech', 'setup', 'maint', 'small', 'jam'][i] as string }));
    const t = line(plant, evs).total;
    expect(t.topReasons.length).toBeLessThanOrEqual(5);
    const d = t.topReasons.map((r) => r.durationMs);
    expect(d).toEqual([...d].sort((a, b) => b - a));
  });

  it('sums every reason after the top five into otherReasons, so top and other make all time booked to reasons', () => {
    const m2 = new EventMaker();
    // Six tallies: no reason (breakdown) 30, mech 20, jam 15, setup 12, small 11, and a 1-minute stop nobody classified (minor stop).
    const evs = [
      ...m2.stop(at(6), at(6, 30)),
      ...m2.stop(at(7), at(7, 20), { reasonId: 'mech' }),
      ...m2.stop(at(8, 30), at(8, 45), { reasonId: 'jam' }),
      ...m2.stop(at(9), at(9, 12), { reasonId: 'setup' }),
      ...m2.stop(at(11), at(11, 11), { reasonId: 'small' }),
      ...m2.stop(at(13), at(13, 1)),
    ];
    const t = line(plant, evs).total;
    expect(t.topReasons.map((r) => [r.reasonId, r.durationMs / MIN])).toEqual([[null, 30], ['mech', 20], ['jam', 15], ['setup', 12], ['small', 11]]);
    expect(t.otherReasons).toEqual({ durationMs: 1 * MIN, count: 1 });
    const booked = t.topReasons.reduce((s, r) => s + r.durationMs, 0) + t.otherReasons.durationMs;
    expect(booked).toBe(t.stopMs + t.lossMs['minor-stop']);
    // Five tallies or fewer: nothing is left over.
    expect(line(plant, evs.slice(0, -2)).total.otherReasons).toEqual({ durationMs: 0, count: 0 });
  });

  it('rolls areas and the site up from summed times, never averaged ratios', () => {
    const m2 = new EventMaker();
    const evs = [...m2.stop(at(7), at(9)), m2.count(at(8), 1000), m2.count(at(8), 5000, 0, 'p1', 'l2')];
    const r = computeOee(plant, evs, day());
    const [l1, l2] = r.lines.map((l) => l.total);
    const a1 = r.areas.find((a) => a.id === 'a1')?.total;
    expect(a1?.runMs).toBe((l1?.runMs ?? 0) + (l2?.runMs ?? 0));
    expect(a1?.availability).toBeCloseTo((a1?.runMs ?? 0) / (a1?.plannedMs ?? 1), 12);
    expect(r.site.total.plannedMs).toBe(3 * 480 * MIN);
    expect(r.site.total.good).toBe(6000);
    expect(r.site.total.performance).not.toBeCloseTo(((l1?.performance ?? 0) + (l2?.performance ?? 0)) / 2, 3);
  });

  it('refuses an unknown line and a window that ends before it starts', () => {
    expect(() => computeOee(plant, [], day({ lineIds: ['nope'] }))).toThrow(/invalid OEE query/);
    expect(() => computeOee(plant, [], day({ to: MONDAY - 1 }))).toThrow(/invalid OEE query/);
  });
});
