import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import type { OeeQuery, ScopeReport } from '../../../src/core/oee/report.ts';
import { EventMaker, H, MIN, MONDAY, makePlant } from './fixtures.ts';

const at = (h: number, m = 0) => MONDAY + h * H + m * MIN;
const q = (lineIds?: string[]): OeeQuery => ({ from: MONDAY, to: MONDAY + 24 * H, now: MONDAY + 24 * H, by: 'hour', ...(lineIds ? { lineIds } : {}) });

/** Every object and array reachable from `s`, to check two scopes share none. */
function objectsOf(s: ScopeReport): Set<object> {
  const out = new Set<object>();
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object' || out.has(v)) return;
    out.add(v);
    for (const x of Object.values(v)) walk(x);
  };
  walk(s.buckets);
  walk(s.total);
  return out;
}

describe('computeOee: roll-ups of a single line', () => {
  const plant = makePlant();
  const m = new EventMaker();
  const events = [
    m.count(at(6, 30), 900, 12, 'p1', 'l3'),
    ...m.stop(at(7), at(7, 20), { lineId: 'l3', reasonId: 'jam' }),
    ...m.stop(at(8), at(8, 1), { lineId: 'l3' }),
    ...m.stop(at(9), at(9, 30), { lineId: 'l3', reasonId: 'maint' }),
    m.count(at(10), 2_000, 40, 'p2', 'l3'),
  ];

  it('area and site of a one-line call have the line figures, in fresh objects', () => {
    const r = computeOee(plant, events, q(['l3']));
    const line = r.lines[0] as ScopeReport;
    const area = r.areas[0] as ScopeReport;
    expect(area.id).toBe('a2');
    expect(line.total.stopCount).toBe(1);
    expect(line.total.topReasons.length).toBeGreaterThan(0);
    for (const s of [area, r.site]) {
      // Same numbers and key order as the line (JSON compares both).
      expect(JSON.stringify({ b: s.buckets, t: s.total })).toBe(JSON.stringify({ b: line.buckets, t: line.total }));
      const mine = objectsOf(s);
      for (const o of objectsOf(line)) expect(mine.has(o)).toBe(false);
    }
    const site = objectsOf(r.site);
    for (const o of objectsOf(area)) expect(site.has(o)).toBe(false);
  });

  it('gives the same line, area and site as the whole-plant call for that line alone', () => {
    const one = computeOee(plant, events, q(['l3']));
    const all = computeOee(plant, events, q());
    expect(all.lines.find((l) => l.id === 'l3')).toEqual(one.lines[0]);
    expect(all.areas.find((a) => a.id === 'a2')).toEqual(one.areas[0]);
    // The site of the whole plant adds l1 and l2 (8 h planned each, no events): l3's stops are all it has.
    expect(all.site.total.stopCount).toBe(one.site.total.stopCount);
    expect(all.site.total.plannedMs).toBe(2 * 8 * H + one.site.total.plannedMs);
  });
});
