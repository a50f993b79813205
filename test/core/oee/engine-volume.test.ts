import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import type { ReasonLoss } from '../../../src/core/oee/report.ts';
import { EventMaker, H, MIN, MONDAY, makePlant } from './fixtures.ts';

const plant = makePlant();
const DAYS = 14;
const window = { from: MONDAY, to: MONDAY + DAYS * 24 * H, now: MONDAY + DAYS * 24 * H };

/** 60 stops a shift for two weeks (840, more than the stop columns start with), half of them classified. */
function twoWeeks(): FloorEvent[] {
  const m = new EventMaker();
  const out: FloorEvent[] = [];
  const reasons = ['jam', 'mech', 'setup', 'maint'];
  for (let d = 0; d < DAYS; d++) {
    const shift = MONDAY + d * 24 * H + 6 * H;
    for (let k = 0; k < 60; k++) {
      const s = shift + k * 8 * MIN;
      // Alternating 1 min (minor) and 3 min stops; every other long one classified.
      const len = k % 2 === 0 ? MIN : 3 * MIN;
      const [start, end] = m.stop(s, s + len);
      out.push(start, end, m.count(s + len + MIN, 10));
      if (k % 4 === 1) out.push(m.ev(s + len + 1000, { type: 'stop.classify', stopId: start.id, reasonId: reasons[(k >> 2) % 4] as string }));
    }
  }
  return out.sort((a, b) => a.ts - b.ts);
}

describe('computeOee at volume', () => {
  const events = twoWeeks();
  const byShift = computeOee(plant, events, { ...window, by: 'shift' });
  const line = byShift.lines.find((l) => l.id === 'l1');
  if (!line) throw new Error('no line');

  it('books every one of many stops once, in the bucket of its shift', () => {
    // Per shift: 30 minor stops of 1 min; 30 stops of 3 min, of which 3 are classified 'maint'
    // (planned: out of planned time and of the stop count), 4 each jam, mech and setup, 15 unclassified.
    expect(line.buckets).toHaveLength(DAYS);
    for (const b of line.buckets) {
      expect([b.minorStopCount, b.stopCount]).toEqual([30, 27]);
      expect([b.lossMs['minor-stop'] >= 30 * MIN, b.plannedStopMs, b.stopMs]).toEqual([true, 3 * 3 * MIN, 27 * 3 * MIN]);
      expect(b.lossMs.setup).toBe(4 * 3 * MIN);
      expect(b.lossMs.breakdown).toBe(23 * 3 * MIN);
      expect(b.good).toBe(60 * 10);
    }
    expect([line.total.minorStopCount, line.total.stopCount, line.total.stopMs]).toEqual([DAYS * 30, DAYS * 27, DAYS * 27 * 3 * MIN]);
  });

  it('lists the top five reasons in the order a full sort gives, in every bucket and scope', () => {
    const byDuration = (a: ReasonLoss, b: ReasonLoss) =>
      b.durationMs - a.durationMs || b.count - a.count || a.loss.localeCompare(b.loss) || (a.reasonId ?? '').localeCompare(b.reasonId ?? '');
    for (const scope of [line, ...byShift.areas, byShift.site]) {
      for (const f of [scope.total, ...scope.buckets]) {
        expect(f.topReasons.length).toBeLessThanOrEqual(5);
        expect([...f.topReasons].sort(byDuration)).toEqual(f.topReasons);
      }
    }
    const keys = line.total.topReasons.map((r) => `${r.loss}|${r.reasonId ?? ''}`);
    expect(keys).toEqual(['breakdown|', 'minor-stop|', 'breakdown|jam', 'breakdown|mech', 'setup|setup']);
  });

  it('rolls one line up to area and site as equal figures that share no objects with the line', () => {
    const one = computeOee(plant, events, { ...window, by: 'shift', lineIds: ['l1'] });
    const [l1, a1, site] = [one.lines[0], one.areas[0], one.site];
    if (!l1 || !a1) throw new Error('missing scope');
    expect(one.areas.map((a) => a.id)).toEqual(['a1']);
    for (const s of [a1, site]) {
      expect({ buckets: s.buckets, total: s.total }).toEqual({ buckets: l1.buckets, total: l1.total });
      expect(s.total.topReasons[0]).not.toBe(l1.total.topReasons[0]);
      expect(s.buckets[0]?.topReasons[0]).not.toBe(l1.buckets[0]?.topReasons[0]);
      expect(s.buckets[0]).not.toBe(l1.buckets[0]);
    }
    // And equal to the same line rolled up together with an empty one (the summing path).
    const two = computeOee(plant, events, { ...window, by: 'shift', lineIds: ['l1', 'l2'] });
    expect(two.areas[0]?.total.topReasons).toEqual(a1.total.topReasons);
    expect(two.areas[0]?.total.good).toBe(a1.total.good);
  });

  it('gives the same totals whatever the bucketing', () => {
    for (const by of ['hour', 'day', 'window'] as const) {
      const t = computeOee(plant, events, { ...window, by }).lines.find((l) => l.id === 'l1')?.total;
      expect(t).toEqual(line.total);
    }
  });
});
