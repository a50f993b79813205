import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import { EventMaker, H, MIN, MONDAY, id, makePlant } from './fixtures.ts';

const plant = makePlant();
const at = (h: number, m = 0) => MONDAY + h * H + m * MIN;
const reasonsOf = (events: FloorEvent[], now = at(24)) => {
  const line = computeOee(plant, events, { from: MONDAY, to: at(24), now, by: 'window', lineIds: ['l1'] }).lines[0];
  if (!line) throw new Error('no line');
  return line.total.topReasons.map((r) => [r.reasonId, r.loss, r.durationMs / MIN, r.count]);
};

describe('computeOee: a classification names a stop id', () => {
  it('counts for every stop under that id, also one started again after the first ended', () => {
    const m = new EventMaker();
    const [s, e] = m.stop(at(7), at(7, 10));
    const events = [
      s,
      e,
      m.ev(at(8), { type: 'stop.start', stopId: s.id }),
      m.ev(at(8, 10), { type: 'stop.end', stopId: s.id }),
      m.ev(at(9), { type: 'stop.classify', stopId: s.id, reasonId: 'jam' }),
    ];
    expect(reasonsOf(events)).toEqual([['jam', 'breakdown', 20, 2]]);
    // Known only from 9:00 on.
    expect(reasonsOf(events, at(8, 30))).toEqual([[null, 'breakdown', 20, 2]]);
  });

  it('counts for a stop that starts only after the classification', () => {
    const m = new EventMaker();
    const x = id(900_001);
    const events = [
      m.ev(at(7), { type: 'stop.classify', stopId: x, reasonId: 'jam' }),
      m.ev(at(8), { type: 'stop.start', stopId: x }),
      m.ev(at(8, 10), { type: 'stop.end', stopId: x }),
    ];
    expect(reasonsOf(events)).toEqual([['jam', 'breakdown', 10, 1]]);
  });

  it('classifies the new part of a split by its own id; unclassified, it takes the reason given at the start', () => {
    const m = new EventMaker();
    const [s, e] = m.stop(at(7), at(7, 30), { reasonId: 'mech' });
    const n1 = id(900_002);
    const split = m.ev(at(7, 40), { type: 'stop.split', stopId: s.id, at: at(7, 10), newStopId: n1 });
    const classifyOld = m.ev(at(7, 50), { type: 'stop.classify', stopId: s.id, reasonId: 'jam' });
    // The old part is 'jam' now; the new part keeps 'mech', given at the start, not the old part's classification.
    expect(reasonsOf([s, e, split, classifyOld])).toEqual([
      ['mech', 'breakdown', 20, 1],
      ['jam', 'breakdown', 10, 1],
    ]);
    const classifyNew = m.ev(at(8), { type: 'stop.classify', stopId: n1, reasonId: 'setup' });
    expect(reasonsOf([s, e, split, classifyOld, classifyNew])).toEqual([
      ['setup', 'setup', 20, 1],
      ['jam', 'breakdown', 10, 1],
    ]);
  });
});
