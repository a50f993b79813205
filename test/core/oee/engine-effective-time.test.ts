import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { withEffectiveTime } from '../../../src/core/plant-effective.ts';
import { plantDiff } from '../../../src/core/plant-diff.ts';
import { stopsByLine } from '../../../src/core/oee-stops/stop-detail.ts';
import { reasonLosses } from '../../../src/core/oee/query.schema.ts';
import type { Plant } from '../../../src/core/plant.schema.ts';
import { EventMaker, H, MIN, MONDAY, makePlant } from './fixtures.ts';

const at = (h: number, m = 0) => MONDAY + h * H + m * MIN;

/** The fixture plant with the jam reason booked to `loss` now. */
function jamAs(plant: Plant, loss: 'breakdown' | 'setup'): Plant {
  return { ...plant, reasons: plant.reasons.map((r) => ({ ...r, children: r.children.map((c) => (c.id === 'jam' ? { ...c, loss } : c)) })) };
}

describe('a reason\'s loss category changed with an effective time: stops before it stay as they were booked', () => {
  const before = makePlant();
  const m = new EventMaker();
  const early = m.stop(at(7), at(7, 20), { reasonId: 'jam' });
  const late = m.stop(at(10), at(10, 30), { reasonId: 'jam' });
  const events = [...early, ...late];
  const lossOf = (plant: Plant) => {
    const line = computeOee(plant, events, { from: MONDAY, to: at(24), now: at(24), by: 'window', lineIds: ['l1'] }).lines[0]!;
    return { breakdown: line.total.lossMs.breakdown / MIN, setup: line.total.lossMs.setup / MIN };
  };

  it('books jams before 09:00 to breakdown and from 09:00 to setup, in the engine and in the stop list', () => {
    const after = withEffectiveTime(before, jamAs(before, 'setup'), at(9));
    expect(lossOf(before)).toEqual({ breakdown: 50, setup: 0 });
    expect(lossOf(after)).toEqual({ breakdown: 20, setup: 30 });
    // Applied with no effective time in the past (now = the end of the day), nothing earlier changes.
    expect(lossOf(withEffectiveTime(before, jamAs(before, 'setup'), at(24)))).toEqual({ breakdown: 50, setup: 0 });
    // The same rule for every screen: the stop list books each stop by its own start.
    const [l1] = stopsByLine(after.areas[0]!.lines.filter((l) => l.id === 'l1'), events, at(24), reasonLosses(after));
    expect(l1!.stops.map((s) => s.loss)).toEqual(['breakdown', 'setup']);
  });

  it('says in the diff what is kept, and keeps earlier changes when the category changes again', () => {
    const once = withEffectiveTime(before, jamAs(before, 'setup'), at(9));
    expect(plantDiff(before, once)).toEqual([
      'reasons[mech].children[jam].loss: "breakdown" → "setup"',
      `reasons[mech].children[jam].lossBefore: added [{"until":"${new Date(at(9)).toISOString()}","loss":"breakdown"}]`,
    ]);
    const twice = withEffectiveTime(once, jamAs(once, 'breakdown'), at(12));
    const jam = twice.reasons.find((r) => r.id === 'mech')!.children.find((c) => c.id === 'jam')!;
    expect(jam.lossBefore).toEqual([
      { until: new Date(at(9)).toISOString(), loss: 'breakdown' },
      { until: new Date(at(12)).toISOString(), loss: 'setup' },
    ]);
    // A plant that does not change the category stays exactly as given.
    expect(withEffectiveTime(before, before, at(9))).toEqual(before);
  });
});
