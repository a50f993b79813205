import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { compareEvents } from '../../../src/core/oee/normalize.ts';
import { lineHistory, prng } from '../../../src/core/sim/year-generator.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import { EventMaker, H, MIN, MONDAY, makePlant } from './fixtures.ts';

const plant = makePlant();
const DAYS = 3;
const q = { from: MONDAY, to: MONDAY + DAYS * 24 * H, now: MONDAY + DAYS * 24 * H, by: 'shift' as const };

/** Three days of two lines as the year benchmark makes them: counts every minute, ~60 stops a day, classifications, changeovers. */
function history(): FloorEvent[] {
  const lines = plant.areas.flatMap((a) => a.lines).slice(0, 2);
  const out: FloorEvent[] = [];
  lines.forEach((line, lineNo) => {
    for (const day of lineHistory({ line, lineNo, from: MONDAY, days: DAYS, seed: 5 })) out.push(...day);
  });
  return out.sort(compareEvents);
}

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const rnd = prng(seed);
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('computeOee: events in storage order take a one-pass path that must agree with full normalisation', () => {
  const sorted = history();

  it('gives the same report for sorted input as for the same events shuffled and with copies', () => {
    const messy = shuffled([...sorted, ...sorted.filter((_, i) => i % 7 === 0)], 11);
    const a = computeOee(plant, sorted, q);
    expect(a.lines[0]?.total.stopCount).toBeGreaterThan(10);
    expect(computeOee(plant, messy, q)).toEqual(a);
  });

  it('applies corrections and voids among otherwise sorted events as if the edits were made in place', () => {
    const count = sorted.find((e) => e.type === 'count' && e.lineId === 'l1') as Extract<FloorEvent, { type: 'count' }>;
    const stop = sorted.find((e) => e.type === 'stop.start' && e.lineId === 'l1') as Extract<FloorEvent, { type: 'stop.start' }>;
    const m = new EventMaker();
    const edits = [
      m.ev(count.ts + 1, { type: 'correction', supersedes: count.id, reason: 'miscount', replacement: { type: 'count', productId: 'p2', good: 7, reject: 3 } }),
      m.ev(stop.ts + 1, { type: 'void', voids: stop.id, reason: 'no stop' }),
    ];
    const edited = sorted
      .filter((e) => e.id !== stop.id)
      .map((e) => (e.id === count.id ? ({ ...e, productId: 'p2', good: 7, reject: 3 } as FloorEvent) : e));
    const withEdits = computeOee(plant, [...sorted, ...edits].sort(compareEvents), q);
    expect(withEdits).toEqual(computeOee(plant, edited, q));
    expect(withEdits).not.toEqual(computeOee(plant, sorted, q));
  });

  it('reports exact zeros, not -0 or leftovers, for a line with no events', () => {
    const l3 = computeOee(plant, sorted, q).lines.find((l) => l.id === 'l3');
    const t = l3?.total;
    expect(t && [t.good, t.reject, t.idealMs, t.stopMs, t.lossMs.breakdown, t.lossMs.setup].every((x) => Object.is(x, 0))).toBe(true);
  });
});

describe('computeOee: stop ids are told apart by their whole text', () => {
  it('keeps each classification to its own stop when many ids end in the same characters', () => {
    const m = new EventMaker();
    const tail = 'Z'.repeat(20);
    const events: FloorEvent[] = [];
    for (let k = 0; k < 40; k++) {
      const stopId = `${String(k).padStart(6, '0')}${tail}`;
      const start = MONDAY + 6 * H + k * 10 * MIN;
      events.push(m.ev(start, { type: 'stop.start', stopId }), m.ev(start + 5 * MIN, { type: 'stop.end', stopId }));
      if (k % 2 === 0) events.push(m.ev(start + 6 * MIN, { type: 'stop.classify', stopId, reasonId: 'jam' }));
    }
    const total = computeOee(plant, events, { ...q, by: 'window', lineIds: ['l1'] }).lines[0]?.total;
    // 40 stops of 5 min, 06:00-12:35, half of them classified.
    const byReason = Object.fromEntries((total?.topReasons ?? []).map((r) => [String(r.reasonId), r.count]));
    expect(byReason).toEqual({ jam: 20, null: 20 });
  });
});

describe('computeOee: many stops open at once', () => {
  it('matches ends, repeated starts and reasons to the right stop when more than a handful are open', () => {
    const m = new EventMaker();
    const at = (h: number, min = 0) => MONDAY + h * H + min * MIN;
    const ids = Array.from({ length: 12 }, (_, k) => `S${String(k).padStart(25, '0')}`);
    const events: FloorEvent[] = ids.map((stopId, k) => m.ev(at(7, k), { type: 'stop.start', stopId }));
    // A repeated start of an open stop changes nothing.
    events.push(m.ev(at(7, 30), { type: 'stop.start', stopId: ids[3] as string }));
    // Stop k ends at 08:00 + 5k min; the ends arrive last stop first. A second end changes nothing.
    for (let k = ids.length - 1; k >= 0; k--) events.push(m.ev(at(8, 5 * k), { type: 'stop.end', stopId: ids[k] as string }));
    events.push(m.ev(at(10), { type: 'stop.end', stopId: ids[0] as string }));
    ids.forEach((stopId, k) => events.push(m.ev(at(11), { type: 'stop.classify', stopId, reasonId: k % 2 === 0 ? 'jam' : 'setup' })));
    const total = computeOee(plant, events, { ...q, by: 'window', lineIds: ['l1'] }).lines[0]?.total;
    // Overlapping time goes to the earliest open stop: stop 0 owns 07:00-08:00, stop k then 5 min each.
    expect(total?.stopMs).toBe(115 * MIN);
    expect(total?.topReasons.map((r) => [r.reasonId, r.durationMs / MIN, r.count])).toEqual([
      ['jam', 85, 6],
      ['setup', 30, 6],
    ]);
  });
});
