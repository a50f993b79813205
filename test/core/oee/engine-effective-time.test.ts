import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { shiftInstances } from '../../../src/core/oee/calendar.ts';
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

/** The fixture plant with product p1 on line l1 at `sec` seconds ideal cycle time. */
function p1At(plant: Plant, sec: number): Plant {
  const lines = (ls: Plant['areas'][number]['lines']) => ls.map((l) => (l.id === 'l1' ? { ...l, products: l.products.map((p) => (p.productId === 'p1' ? { ...p, idealCycleTimeSec: sec } : p)) } : l));
  return { ...plant, areas: plant.areas.map((a) => ({ ...a, lines: lines(a.lines) })) };
}

describe('an ideal cycle time changed with an effective time: counts before it keep the old one', () => {
  const before = makePlant();
  const m = new EventMaker();
  // 06:00-14:00, no stops: 3600 parts in the first hour, 3600 in the fourth.
  const events = [m.count(at(6, 30), 3600), m.count(at(9, 30), 3600)];
  const idealMin = (plant: Plant, from: number, to: number) => computeOee(plant, events, { from, to, now: at(24), by: 'window', lineIds: ['l1'] }).lines[0]!.total.idealMs / MIN;

  it('gives the morning its 1 s parts and the time after 09:00 its 2 s parts', () => {
    const after = withEffectiveTime(before, p1At(before, 2), at(9));
    expect(idealMin(before, at(6), at(14))).toBe(120);
    expect(idealMin(after, at(6), at(14))).toBe(60 + 120);
    // The hour before the change reads exactly as it did; a window after it reads with the new time.
    expect(idealMin(after, at(6), at(7))).toBe(idealMin(before, at(6), at(7)));
    expect(idealMin(after, at(9), at(10))).toBe(120);
    const l1 = after.areas[0]!.lines.find((l) => l.id === 'l1')!;
    expect(l1.products.find((p) => p.productId === 'p1')!.idealCycleTimeBefore).toEqual([{ until: new Date(at(9)).toISOString(), idealCycleTimeSec: 1 }]);
    // l2 runs the same product and did not change: it keeps no history.
    expect(after.areas[0]!.lines.find((l) => l.id === 'l2')!.products[0]!.idealCycleTimeBefore).toBeUndefined();
  });

  it('keeps the history when a later version leaves the time alone or changes it again', () => {
    const once = withEffectiveTime(before, p1At(before, 2), at(9));
    // A file without the history (written by hand) does not rewrite the past.
    const again = withEffectiveTime(once, p1At(before, 2), at(12));
    expect(idealMin(again, at(6), at(14))).toBe(180);
    const twice = withEffectiveTime(once, p1At(once, 3), at(12));
    const p1 = twice.areas[0]!.lines.find((l) => l.id === 'l1')!.products.find((p) => p.productId === 'p1')!;
    expect(p1.idealCycleTimeBefore).toEqual([
      { until: new Date(at(9)).toISOString(), idealCycleTimeSec: 1 },
      { until: new Date(at(12)).toISOString(), idealCycleTimeSec: 2 },
    ]);
  });
});

describe('a shift calendar changed with an effective time: shifts before it keep their planned time', () => {
  const early = { id: 'early', name: 'Early', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, start: '06:00', end: '14:00', breaks: [] };
  const before = makePlant({ shifts: [{ ...early, days: [...early.days] }] });
  const longer = (plant: Plant): Plant => ({ ...plant, calendar: { ...plant.calendar, shifts: [{ ...early, days: [...early.days], end: '16:00', breaks: [{ name: 'Lunch', start: '12:00', end: '12:30' }] }] } });
  const m = new EventMaker();
  const events = [m.count(MONDAY + 6 * H + MIN, 10)];
  const plannedH = (plant: Plant, day: number) => computeOee(plant, events, { from: MONDAY + day * 24 * H, to: MONDAY + (day + 1) * 24 * H, now: MONDAY + 3 * 24 * H, by: 'window', lineIds: ['l1'] }).lines[0]!.total.plannedMs / H;

  it('plans Monday with the old 8 h shift and Tuesday with the new 10 h shift less its break', () => {
    const after = withEffectiveTime(before, longer(before), MONDAY + 20 * H);
    expect(plannedH(before, 0)).toBe(8);
    expect(plannedH(after, 0)).toBe(8);
    expect(plannedH(after, 1)).toBe(9.5);
    expect(after.calendar.before).toEqual([{ until: new Date(MONDAY + 20 * H).toISOString(), timezone: 'UTC', shifts: before.calendar.shifts, exceptions: [] }]);
  });

  it('takes a shift that started before the change from the old calendar, whole', () => {
    // Changed at 10:00 on Monday, during the early shift: that shift keeps its 06:00-14:00.
    const after = withEffectiveTime(before, longer(before), MONDAY + 10 * H);
    expect(plannedH(after, 0)).toBe(8);
    expect(plannedH(after, 1)).toBe(9.5);
    // A calendar left alone keeps the history it has; the exported file round-trips unchanged.
    const same = withEffectiveTime(after, longer(before), MONDAY + 30 * H);
    expect(same.calendar).toEqual(after.calendar);
    expect(plantDiff(after, same)).toEqual([]);
  });
});

describe('an extra shift entered after it began', () => {
  const early = { id: 'early', name: 'Early', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const, start: '06:00', end: '14:00', breaks: [] };
  const before = makePlant({ shifts: [{ ...early, days: [...early.days] }] });
  // Overtime 15:00-19:00 on Monday, with a break 17:00-17:15; the lead enters it at 16:00.
  const withExtra: Plant = { ...before, calendar: { ...before.calendar, exceptions: [{ kind: 'extra', date: '2025-01-06', name: 'Overtime', shift: { id: 'ot', name: 'Overtime', start: '15:00', end: '19:00', breaks: [{ name: 'Tea', start: '17:00', end: '17:15' }] } }] } };
  const events = [new EventMaker().count(MONDAY + 6 * H + MIN, 10)];
  const plannedMin = (plant: Plant, from: number, to: number) => computeOee(plant, events, { from, to, now: MONDAY + 30 * H, by: 'window', lineIds: ['l1'] }).lines[0]!.total.plannedMs / MIN;

  it('counts from its entry on: 3 h less its break, not nothing; the hour before stays unplanned', () => {
    expect(new Date(MONDAY).toISOString().slice(0, 10)).toBe('2025-01-06');
    const after = withEffectiveTime(before, withExtra, at(16));
    expect(plannedMin(after, at(15), at(16))).toBe(0);
    expect(plannedMin(after, at(16), at(20))).toBe(165);
    expect(shiftInstances(after.calendar, at(12), at(20)).map((s) => [s.shiftId, (s.start - MONDAY) / H, (s.end - MONDAY) / H])).toEqual([
      ['early', 6, 14],
      ['ot', 16, 19],
    ]);
  });

  it('leaves a shift the earlier calendar had running alone: changed at 10:00, the early shift keeps 06:00-14:00', () => {
    const longer: Plant = { ...before, calendar: { ...before.calendar, shifts: [{ ...early, days: [...early.days], end: '16:00' }] } };
    const after = withEffectiveTime(before, longer, at(10));
    expect(shiftInstances(after.calendar, at(0), at(20)).map((s) => [(s.start - MONDAY) / H, (s.end - MONDAY) / H])).toEqual([[6, 14]]);
  });

  const withExtras = (p: Plant, ...extras: Array<{ id: string; start: string; end: string }>): Plant => ({
    ...p,
    calendar: { ...p.calendar, exceptions: [...p.calendar.exceptions, ...extras.map((e) => ({ kind: 'extra' as const, date: '2025-01-06', name: e.id, shift: { ...e, name: e.id, breaks: [] } }))] },
  });
  const shape = (p: Plant, from: number, to: number) => shiftInstances(p.calendar, from, to).map((s) => [s.shiftId, (s.start - MONDAY) / H, (s.end - MONDAY) / H]);

  it('entered while another shift still runs, is planned from where that shift ends, as if entered before it began', () => {
    const extra = withExtras(before, { id: 'ot', start: '12:00', end: '18:00' });
    expect(shape(withEffectiveTime(before, extra, at(11)), at(0), at(24))).toEqual([['early', 6, 14], ['ot', 14, 18]]);
    expect(shape(withEffectiveTime(before, extra, at(13)), at(0), at(24))).toEqual([['early', 6, 14], ['ot', 14, 18]]);
    // Asked about a window after the early shift, the overtime is the same instance.
    expect(shape(withEffectiveTime(before, extra, at(13)), at(15), at(16))).toEqual([['ot', 14, 18]]);
  });

  it('keeps its planned time when a later version adds another shift, whatever window is asked about', () => {
    const v2 = withEffectiveTime(before, withExtras(before, { id: 'ot', start: '15:00', end: '19:00' }), at(16));
    const v3 = withEffectiveTime(v2, withExtras(v2, { id: 'late', start: '18:00', end: '22:00' }), at(17));
    // As with any two overlapping shifts, the later starts where the earlier ends.
    expect(shape(v3, at(0), at(24))).toEqual([['early', 6, 14], ['ot', 16, 19], ['late', 19, 22]]);
    expect(shape(v3, at(16), at(17))).toEqual([['ot', 16, 19]]);
    expect(shape(v3, at(18), at(20))).toEqual([['ot', 16, 19], ['late', 19, 22]]);
    expect(plannedMin(v3, at(16), at(17))).toBe(60);
  });
});

