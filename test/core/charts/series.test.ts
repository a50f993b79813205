import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { apqSeries, bigLossPareto, compareLines, hourlyProduction, oeeByLine, OTHER_KEY, ratiosOf, reasonPareto, stateBands, bandStateName, stateTotals, toWeeks, weekStart, type BucketSums } from '../../../src/core/charts/index.ts';

const H = 3_600_000;
// oee.com worked example: planned 420 min, run 373 min, ideal 1 s, total 19,271, good 18,848.
const worked: BucketSums = { start: 0, end: 480 * 60_000, plannedMs: 420 * 60_000, runMs: 373 * 60_000, idealMs: 19_271_000, good: 18_848, total: 19_271 };

describe('ratiosOf', () => {
  it('reproduces the oee.com worked example', () => {
    const r = ratiosOf(worked);
    expect(r.availability!).toBeCloseTo(0.8881, 4);
    expect(r.performance!).toBeCloseTo(0.8611, 4);
    expect(r.quality!).toBeCloseTo(0.978, 3);
    expect(r.oee!).toBeCloseTo(0.7479, 4);
  });
  it('has no OEE without planned time', () => {
    expect(ratiosOf({ ...worked, plannedMs: 0 }).oee).toBeNull();
  });
});

describe('week roll-up', () => {
  it('sums days into weeks and recomputes ratios from the sums (never averages)', () => {
    const tz = 'Europe/Berlin';
    const mon = Date.UTC(2026, 2, 1, 23); // Monday 2 March 2026, 00:00 Berlin
    expect(weekStart(mon + 5 * 24 * H, tz)).toBe(mon);
    const days: BucketSums[] = [
      { start: mon, end: mon + 24 * H, plannedMs: 8 * H, runMs: 8 * H, idealMs: 8 * H, good: 100, total: 100 },
      { start: mon + 24 * H, end: mon + 48 * H, plannedMs: 24 * H, runMs: 12 * H, idealMs: 12 * H, good: 100, total: 100 },
      { start: mon + 7 * 24 * H, end: mon + 8 * 24 * H, plannedMs: H, runMs: H, idealMs: H, good: 1, total: 1 },
    ];
    const weeks = toWeeks(days, tz);
    expect(weeks.map((w) => w.start)).toEqual([mon, mon + 7 * 24 * H]);
    // (8 + 12) / (8 + 24) = 62.5 %, not the mean of 100 % and 50 %.
    expect(ratiosOf(weeks[0]!).oee).toBeCloseTo(0.625, 6);
  });
});

describe('series builders', () => {
  it('builds A/P/Q/OEE columns in percent with gaps for unscheduled buckets', () => {
    const [x, oee, a] = apqSeries([worked, { ...worked, start: 3_600_000, plannedMs: 0 }]);
    expect(Array.from(x)).toEqual([0, 3600]);
    expect(oee![0]).toBeCloseTo(74.79, 1);
    expect(oee![1]).toBeNull();
    expect(a![1]).toBeNull();
  });
  it('cumulates hourly good parts and target', () => {
    const hour = (i: number, good: number): BucketSums => ({ start: i * H, end: (i + 1) * H, plannedMs: H, runMs: H, idealMs: H, good, total: good });
    const [, good, target, cumGood, cumTarget] = hourlyProduction([hour(0, 1000), hour(1, 1500)], 0.8, 2000);
    expect(Array.from(good!)).toEqual([1000, 1500]);
    expect(Array.from(target!)).toEqual([1440, 1440]);
    expect(Array.from(cumGood!)).toEqual([1000, 2500]);
    expect(Array.from(cumTarget!)).toEqual([1440, 2880]);
  });
  it('aligns lines with different buckets on one axis', () => {
    const b = (start: number): BucketSums => ({ ...worked, start });
    const { lineIds, columns } = oeeByLine([{ lineId: 'a', buckets: [b(0), b(86_400_000)] }, { lineId: 'b', buckets: [b(86_400_000)] }]);
    expect(lineIds).toEqual(['a', 'b']);
    expect(Array.from(columns[0])).toEqual([0, 86_400]);
    expect(columns[2]![0]).toBeNull();
    expect(compareLines([{ lineId: 'a', buckets: [worked, worked] }])[0]!.oee).toBeCloseTo(0.7479, 4);
  });
});

describe('pareto', () => {
  it('sorts by time lost, merges a reason booked twice and keeps unclassified stops visible', () => {
    const rows = reasonPareto(
      [
        { reasonId: 'jam', loss: 'breakdown', durationMs: 100, count: 1 },
        { reasonId: null, loss: 'breakdown', durationMs: 300, count: 2 },
        { reasonId: 'jam', loss: 'breakdown', durationMs: 150, count: 1 },
        { reasonId: 'setup', loss: 'setup', durationMs: 50, count: 1 },
      ],
      { label: (id, loss) => id ?? `no reason (${loss})`, otherLabel: 'Other' },
    );
    expect(rows.map((r) => [r.label, r.durationMs, r.count])).toEqual([['no reason (breakdown)', 300, 2], ['jam', 250, 2], ['setup', 50, 1]]);
    expect(rows.at(-1)!.cumulativeShare).toBeCloseTo(1, 9);
    expect(bigLossPareto({ breakdown: 10, 'process-defect': 30 }, (l) => l).map((r) => r.key)).toEqual(['process-defect', 'breakdown']);
  });
  it('cumulative share is monotone and ends at 1 for any input', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ reasonId: fc.option(fc.constantFrom('a', 'b', 'c')), durationMs: fc.integer({ min: 0, max: 1e7 }), count: fc.nat(9) })), (rs) => {
        const rows = reasonPareto(rs.map((r) => ({ ...r, loss: 'breakdown' as const })), { label: (id) => id ?? '-', otherLabel: 'Other', top: 2 });
        for (let i = 1; i < rows.length; i++) expect(rows[i]!.cumulativeShare).toBeGreaterThanOrEqual(rows[i - 1]!.cumulativeShare);
        if (rows.length) expect(rows.at(-1)!.cumulativeShare).toBeCloseTo(1, 9);
      }),
    );
  });
  const breakdown = (reasonId: string, durationMs: number, count = 1) => ({ reasonId, loss: 'breakdown' as const, durationMs, count });
  const sixReasons = [breakdown('a', 600), breakdown('b', 500), breakdown('c', 400), breakdown('d', 300), breakdown('e', 100, 2), breakdown('f', 100, 3)];
  it('shows the top reasons, then one "Other" row summing the rest, every share a share of the whole', () => {
    const rows = reasonPareto(sixReasons, { label: (id) => id ?? '-', otherLabel: 'Other', top: 4 });
    expect(rows.map((r) => [r.key, r.label, r.durationMs, r.count])).toEqual([
      ['a', 'a', 600, 1],
      ['b', 'b', 500, 1],
      ['c', 'c', 400, 1],
      ['d', 'd', 300, 1],
      [OTHER_KEY, 'Other', 200, 5],
    ]);
    // 2000 ms lost in all: the shares are of that, Other's included, and add up to 100 %.
    expect(rows.map((r) => r.share)).toEqual([0.3, 0.25, 0.2, 0.15, 0.1]);
    expect(rows.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 12);
    expect(rows.at(-1)!.cumulativeShare).toBeCloseTo(1, 12);
    expect(rows.at(-1)!.loss).toBeNull();
  });
  it('has no "Other" row when there are no more reasons than the top', () => {
    const five = reasonPareto(sixReasons.slice(0, 5), { label: (id) => id ?? '-', otherLabel: 'Other' });
    expect(five.map((r) => r.key)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(five.map((r) => r.share)).toEqual([600 / 1900, 500 / 1900, 400 / 1900, 300 / 1900, 100 / 1900]);
    expect(reasonPareto([], { label: (id) => id ?? '-', otherLabel: 'Other', rest: { durationMs: 0, count: 0 } })).toEqual([]);
  });
  it('adds the reasons the engine left out of its top ones (otherReasons) to "Other", as shares of the whole', () => {
    const rows = reasonPareto(sixReasons.slice(0, 5), { label: (id) => id ?? '-', otherLabel: 'Andere', rest: { durationMs: 100, count: 3 } });
    expect(rows.map((r) => [r.key, r.durationMs, r.count])).toEqual([['a', 600, 1], ['b', 500, 1], ['c', 400, 1], ['d', 300, 1], ['e', 100, 2], [OTHER_KEY, 100, 3]]);
    expect(rows.at(-1)!.label).toBe('Andere');
    expect(rows[0]!.share).toBe(0.3);
    expect(rows.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 12);
  });
  it('keeps "Other" last even when it is larger than a top reason', () => {
    const rows = reasonPareto([breakdown('a', 100), breakdown('b', 90), breakdown('c', 80), breakdown('d', 70)], { label: (id) => id ?? '-', otherLabel: 'Other', top: 1 });
    expect(rows.map((r) => [r.key, r.durationMs])).toEqual([['a', 100], [OTHER_KEY, 240]]);
  });
});

describe('stateBands', () => {
  const shift = { start: 0, end: 8 * H, breaks: [[4 * H, 4.5 * H]] as [number, number][] };
  it('paints run, stops by loss, breaks and time outside the shift', () => {
    const segs = [
      { start: -H, end: H, state: 'running' as const, stopId: null, reasonId: null, loss: null },
      { start: H, end: H + 60_000, state: 'stopped' as const, stopId: 's1', reasonId: null, loss: 'minor-stop' },
      { start: H + 60_000, end: 2 * H, state: 'running' as const, stopId: null, reasonId: null, loss: null },
      { start: 2 * H, end: 3 * H, state: 'stopped' as const, stopId: 's2', reasonId: 'jam', loss: 'breakdown' },
      { start: 3 * H, end: 5 * H, state: 'running' as const, stopId: null, reasonId: null, loss: null },
    ];
    const b = stateBands(segs, [shift], -H, 9 * H);
    const named = Array.from(b.state, (c, i) => [bandStateName(c), b.start[i], b.end[i], b.segment[i]]);
    expect(named).toEqual([
      ['not-scheduled', -H, 0, 0],
      ['running', 0, H, 0],
      ['small-stop', H, H + 60_000, 1],
      ['running', H + 60_000, 2 * H, 2],
      ['stopped', 2 * H, 3 * H, 3],
      ['running', 3 * H, 4 * H, 4],
      ['planned', 4 * H, 4.5 * H, 4],
      ['running', 4.5 * H, 5 * H, 4],
    ]);
    expect(stateTotals(b).stopped).toBe(H);
  });
  it('covers the window up to the last segment without gaps or overlaps', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 30 }), (lens) => {
        let t = 0;
        const segs = lens.map((len, i) => ({ start: t, end: (t += len), state: (i % 2 ? 'stopped' : 'running') as 'stopped' | 'running', stopId: null, reasonId: null, loss: i % 3 ? 'breakdown' : 'setup' }));
        const b = stateBands(segs, [], 0, t + 50);
        expect(b.start[0]).toBe(0);
        expect(b.end[b.length - 1]).toBe(t);
        for (let i = 1; i < b.length; i++) expect(b.start[i]).toBe(b.end[i - 1]);
      }),
    );
  });
});
