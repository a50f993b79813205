import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { shiftInstances } from '../../../src/core/oee/calendar.ts';
import { buildShiftReport } from '../../../src/core/report/shift-report.ts';
import { H, MIN, MONDAY, makePlant } from '../oee/fixtures.ts';
import { shiftEvents } from './report-fixture.ts';

const plant = makePlant();
const shift = shiftInstances(plant.calendar, MONDAY + 6 * H, MONDAY + 14 * H)[0]!;

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

  it('shows the handover with who acknowledged it, once per station, even when acked after the shift', () => {
    expect(report.handovers).toEqual([expect.objectContaining({ id: handover.id, text: 'Coil nearly empty', topics: ['material'], acks: [expect.objectContaining({ author: 'op1', ts: MONDAY + 6 * H + 490 * MIN })] })]);
  });

  it('keeps the names and labels of the plant as they were', () => {
    expect(report.names.reasons['jam']?.label).toBe('Jam');
    expect(report.shiftName).toBe('Early');
    expect(report.lineName).toBe('l1');
  });
});
