import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { OeeAccumulator } from '../../../src/core/oee/accumulator.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import { EventMaker, H, MIN, MONDAY, makePlant } from './fixtures.ts';

const plant = makePlant();
const at = (h: number, m = 0) => MONDAY + h * H + m * MIN;

/** A 06:00-14:00 shift; a 30-minute stop at 07:00 and 1000 good parts; one edit recorded at 13:40. */
function scenario(edit: 'classify' | 'correction' | 'void' | 'correct-count' | 'void-count'): FloorEvent[] {
  const m = new EventMaker();
  const [s, e] = m.stop(at(7), at(7, 30));
  const c = m.count(at(9), 1000);
  const late = at(13, 40);
  const edits: Record<typeof edit, FloorEvent> = {
    classify: m.ev(late, { type: 'stop.classify', stopId: s.id, reasonId: 'maint' }),
    // The stop's start corrected to name a planned reason.
    correction: m.ev(late, { type: 'correction', supersedes: s.id, reason: 'was maintenance', replacement: { type: 'stop.start', stopId: s.id, reasonId: 'maint' } }),
    void: m.ev(late, { type: 'void', voids: s.id, reason: 'no stop' }),
    'correct-count': m.ev(late, { type: 'correction', supersedes: c.id, reason: 'miscounted', replacement: { type: 'count', productId: 'p1', good: 500, reject: 0 } }),
    'void-count': m.ev(late, { type: 'void', voids: c.id, reason: 'double entry' }),
  };
  return [s, e, c, edits[edit]];
}

type Row = [edit: Parameters<typeof scenario>[0], nowHour: number, nowMin: number, plannedMin: number, stopMin: number, good: number];

// Before 13:40 the edit is not known: a 30-minute unplanned stop, 1000 good. After it, a stop
// classified or corrected as maintenance is planned time no more; a voided one is no stop.
const cases: Row[] = [
  ['classify', 13, 35, 455, 30, 1000],
  ['classify', 13, 45, 435, 0, 1000],
  ['correction', 13, 35, 455, 30, 1000],
  ['correction', 13, 45, 435, 0, 1000],
  ['void', 13, 35, 455, 30, 1000],
  ['void', 13, 45, 465, 0, 1000],
  ['correct-count', 13, 35, 455, 30, 1000],
  ['correct-count', 13, 45, 465, 30, 500],
  ['void-count', 13, 35, 455, 30, 1000],
  ['void-count', 13, 45, 465, 30, 0],
];

describe('as-of: nothing recorded after `now` is known, one rule for classify, correction and void', () => {
  it.each(cases)('%s recorded 13:40, report as of %i:%i: planned %f min, stop %f min, good %i', (edit, h, mi, plannedMin, stopMin, good) => {
    const now = at(h, mi);
    const events = scenario(edit);
    const query = { from: at(0), to: at(24), now, by: 'window' as const, lineIds: ['l1'] };
    const t = computeOee(plant, events, query).lines[0]!.total;
    expect([t.plannedMs / MIN, t.stopMs / MIN, t.good]).toEqual([plannedMin, stopMin, good]);
    // The live accumulator follows the same rule, also when `now` moves back and forth past the edit.
    const acc = new OeeAccumulator(plant, { from: query.from, to: query.to, by: 'window', lineIds: ['l1'] });
    for (const e of events) acc.apply(e);
    for (const n of [at(23), at(13), now]) acc.report(n);
    expect(acc.report(now)).toEqual(computeOee(plant, events, query));
  });
});
