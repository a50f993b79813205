import { describe, expect, it } from 'vitest';
import { enDash } from '../../../src/app/i18n/en-dash.ts';
import { en as enTablet } from '../../../src/app/i18n/en.ts';
import { enLater } from '../../../src/app/i18n/en-later.ts';
import { shiftInstances } from '../../../src/core/oee/calendar.ts';
import { layoutShiftReport, translator } from '../../../src/core/report/report-layout.ts';
import { shiftReportSchema } from '../../../src/core/report/shift-report.schema.ts';
import { buildShiftReport } from '../../../src/core/report/shift-report.ts';
import { eventFixture } from '../../helpers/event-fixture.ts';
import { H, MIN, MONDAY, makePlant } from '../oee/fixtures.ts';

const plant = makePlant();
const shift = shiftInstances(plant.calendar, MONDAY + 6 * H, MONDAY + 14 * H)[0]!;
const svc = eventFixture({ deviceId: 'floorboard-andon', author: 'floorboard', lineId: 'l1', stationId: 's1' });
const lead = eventFixture({ deviceId: 'board', author: 'op1', lineId: 'l1', stationId: 's1' });

describe('shift report: andon calls with response times', () => {
  const raise = svc.at(MONDAY + 10 * H, { type: 'andon.raise', kind: 'maintenance', trigger: 'stop', ruleId: 'r', cause: 'stop|r|x' });
  const unanswered = svc.at(MONDAY + 11 * H, { type: 'andon.raise', kind: 'quality', trigger: 'scrap-rate', ruleId: 'q', cause: 'scrap|q|y' });
  const events = [
    raise,
    lead.at(MONDAY + 10 * H + 2 * MIN, { type: 'andon.ack', callId: raise.id, from: 'board' }),
    svc.at(MONDAY + 10 * H + 30 * MIN, { type: 'andon.resolve', callId: raise.id, how: 'auto' }),
    unanswered,
    svc.at(MONDAY + 11 * H + 10 * MIN, { type: 'andon.escalate', callId: unanswered.id, level: 2 }),
    // Raised after the shift: another shift's call.
    svc.at(MONDAY + 15 * H, { type: 'andon.raise', kind: 'lead', trigger: 'button', cause: 'b' }),
  ];
  const report = buildShiftReport({ plant, events, lineId: 'l1', shift, now: MONDAY + 16 * H });

  it('lists the shift\'s calls, oldest first, with time to acknowledge and to resolve', () => {
    expect(report.andonCalls.map((c) => [c.kind, c.level, c.toAcknowledgeMs, c.toResolveMs])).toEqual([
      ['maintenance', 1, 2 * MIN, 30 * MIN],
      ['quality', 2, null, null],
    ]);
  });

  it('lays them out in the report, and a stored report from before andon still reads', () => {
    const table = layoutShiftReport(shiftReportSchema.parse(report), translator({ ...enTablet, ...enLater, ...enDash }), 'en').tables.find((t) => t.id === 'andon')!;
    expect(table.rows.map((r) => [r[2], r[3], r[4], r[5]])).toEqual([
      ['Maintenance', '1', 'op1 10:02 AM', '2 min'],
      ['Quality', '2', 'not acknowledged yet', '–'],
    ]);
    const { andonCalls: _gone, ...old } = report;
    expect(shiftReportSchema.parse(old).andonCalls).toEqual([]);
  });
});
