import { describe, expect, it } from 'vitest';
import { handoverAcks } from '../../../src/core/handover/acks.ts';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { shiftInstances } from '../../../src/core/oee/calendar.ts';
import { buildShiftReport } from '../../../src/core/report/shift-report.ts';
import { EventMaker, H, MIN, MONDAY, makePlant } from '../oee/fixtures.ts';

const plant = makePlant();
const shift = shiftInstances(plant.calendar, MONDAY + 6 * H, MONDAY + 14 * H)[0]!;

/** A shift on l1: two stops (one classified, one corrected), counts with rejects, a late scrap, a changeover, a note, a handover with an ack next shift. */
export function shiftEvents() {
  const m = new EventMaker();
  const s = MONDAY + 6 * H;
  const [a, aEnd] = m.stop(s + 60 * MIN, s + 90 * MIN, { reasonId: 'jam' });
  const [b, bEnd] = m.stop(s + 200 * MIN, s + 215 * MIN);
  const classify = m.ev(s + 216 * MIN, { type: 'stop.classify', stopId: b.id, reasonId: 'jam' });
  const fix = m.ev(s + 220 * MIN, { type: 'correction', supersedes: classify.id, reason: 'was setup', replacement: { type: 'stop.classify', stopId: b.id, reasonId: 'setup' } });
  const handover = m.ev(s + 470 * MIN, { type: 'handover', scope: 'station', topics: ['material'], text: 'Coil nearly empty' });
  return {
    handover,
    events: [
      a, aEnd, b, bEnd, classify, fix,
      m.count(s + 100 * MIN, 3000, 0),
      m.ev(s + 120 * MIN, { type: 'count', productId: 'p1', good: 0, reject: 12, scrapReasonId: 'jam' }),
      m.ev(s + 130 * MIN, { type: 'scrap', productId: 'p1', quantity: 5, reasonId: 'mech' }),
      m.ev(s + 300 * MIN, { type: 'changeover.start', toProductId: 'p2' }),
      m.ev(s + 325 * MIN, { type: 'changeover.end', productId: 'p2' }),
      m.count(s + 400 * MIN, 2000, 0, 'p2'),
      m.ev(s + 410 * MIN, { type: 'note', text: 'Guard door sticks' }),
      handover,
      m.ev(s + 490 * MIN, { type: 'handover.ack', handoverId: handover.id }),
      m.ev(s + 491 * MIN, { type: 'handover.ack', handoverId: handover.id }),
      m.ev(s + 60 * MIN, { type: 'note', text: 'other line' }, { lineId: 'l2' }),
    ],
  };
}

describe('shift report model', () => {
  const { events, handover } = shiftEvents();
  const now = MONDAY + 15 * H;
  const report = buildShiftReport({ plant, events, lineId: 'l1', shift, now });

  it('takes its figures from the OEE engine, as the dashboards and CLI do', () => {
    const engine = computeOee(plant, events, { from: shift.start, to: shift.end, now, by: 'window', lineIds: ['l1'] }).lines[0]!.total;
    expect(report.figures).toEqual(engine);
    expect(report.figures.reject).toBe(17);
  });

  it('lists stops with their reasons as corrected, scrap by reason, changeovers and notes of its line only', () => {
    expect(report.stops.filter((s) => !s.isSetup).map((s) => [s.reasonId, s.durationMs])).toEqual([['jam', 30 * MIN], ['setup', 15 * MIN]]);
    expect(report.scrap).toEqual([{ reasonId: 'jam', quantity: 12 }, { reasonId: 'mech', quantity: 5 }]);
    expect(report.scrap.reduce((n, s) => n + s.quantity, 0)).toBe(report.figures.reject);
    expect(report.changeovers).toEqual([expect.objectContaining({ toProductId: 'p2', durationMs: 25 * MIN, isOpen: false })]);
    expect(report.notes.map((n) => n.text)).toEqual(['Guard door sticks']);
    expect(report.corrections).toEqual([expect.objectContaining({ kind: 'correction', reason: 'was setup' })]);
  });

  it('shows the handover with who acknowledged it, once per reader, even when acked after the shift', () => {
    expect(report.handovers).toEqual([expect.objectContaining({ id: handover.id, text: 'Coil nearly empty', topics: ['material'], acks: [{ author: 'op1', ts: MONDAY + 6 * H + 490 * MIN }] })]);
    expect(handoverAcks(events, shift.end, shift.end + H)).toEqual([]);
  });

  it('keeps the names and labels of the plant as they were', () => {
    expect(report.names.reasons['jam']?.label).toBe('Jam');
    expect(report.shiftName).toBe('Early');
    expect(report.lineName).toBe('l1');
  });
});
