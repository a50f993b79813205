import { describe, expect, it } from 'vitest';
import { de as deTablet } from '../../../src/app/i18n/de.ts';
import { deDash } from '../../../src/app/i18n/de-dash.ts';
import { en as enTablet } from '../../../src/app/i18n/en.ts';
import { enLater } from '../../../src/app/i18n/en-later.ts';
import { enDash } from '../../../src/app/i18n/en-dash.ts';

// The catalogs as the dashboards hold them once loaded: the tablet's and the dashboards' messages.
const en = { ...enTablet, ...enLater, ...enDash };
const de = { ...deTablet, ...deDash };
import { shiftInstances } from '../../../src/core/oee/calendar.ts';
import { layoutShiftReport, translator, whyText } from '../../../src/core/report/report-layout.ts';
import { shiftReportSchema } from '../../../src/core/report/shift-report.schema.ts';
import { buildShiftReport, WINDOW_SHIFT_ID } from '../../../src/core/report/shift-report.ts';
import { H, MONDAY, makePlant } from '../oee/fixtures.ts';
import { shiftEvents } from './report-fixture.ts';

const plant = makePlant();
const shift = shiftInstances(plant.calendar, MONDAY + 6 * H, MONDAY + 14 * H)[0]!;
const report = buildShiftReport({ plant, events: shiftEvents().events, lineId: 'l1', shift, now: MONDAY + 15 * H });

describe('shift report layout (the page, the print and the PDF all show this)', () => {
  it('reads numbers and dates in the reader\'s language through Intl, with the app\'s catalogs', () => {
    const inDe = layoutShiftReport(report, translator(de), 'de');
    const inEn = layoutShiftReport(report, translator(en), 'en');
    const kpi = (l: typeof inDe, id: string) => l.kpis.find((k) => k.id === id)!.value;
    expect(inDe.title).toBe('Schichtbericht: l1');
    expect(inEn.title).toBe('Shift report: l1');
    expect(kpi(inDe, 'good')).toBe('4.995');
    expect(kpi(inEn, 'good')).toBe('4,995');
    expect(kpi(inDe, 'oee')).toBe(new Intl.NumberFormat('de', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(report.figures.oee!));
    expect(kpi(inDe, 'oee')).toMatch(/^\d+,\d\s%$/);
    expect(inDe.subtitle).toContain('06.01.2025');
    expect(inEn.subtitle).toContain('01/06/2025');
  });

  it('names a window that is not one shift "Period" ("Zeitraum"), never by its internal id', () => {
    const hour = { shiftId: WINDOW_SHIFT_ID, start: MONDAY + 9 * H, end: MONDAY + 10 * H, breaks: [] };
    const windowReport = buildShiftReport({ plant, events: shiftEvents().events, lineId: 'l1', shift: hour, now: MONDAY + 15 * H });
    expect(layoutShiftReport(windowReport, translator(de), 'de').subtitle).toMatch(/ · Zeitraum, 06\.01\.2025 · /);
    expect(layoutShiftReport(windowReport, translator(en), 'en').subtitle).toMatch(/ · Period, 01\/06\/2025 · /);
    expect(layoutShiftReport(report, translator(en), 'en').subtitle).not.toContain('Period');
  });

  it('has every section, in order, and says "None" for an empty one', () => {
    const l = layoutShiftReport(report, translator(en), 'en');
    expect(l.tables.map((t) => t.id)).toEqual(['losses', 'reasons', 'stops', 'scrap', 'changeovers', 'notes', 'handovers', 'andon', 'corrections']);
    expect(l.tables.find((t) => t.id === 'handovers')!.rows[0]).toEqual(['1:50 PM', 's1', 'op1', 'Material · Coil nearly empty', 'op1 2:10 PM']);
    expect(l.tables.find((t) => t.id === 'corrections')!.rows[0]?.[2]).toBe('Jam → Setup');
    const quiet = buildShiftReport({ plant, events: [], lineId: 'l2', shift, now: MONDAY + 15 * H });
    const empty = layoutShiftReport(quiet, translator(en), 'en');
    expect(empty.tables.every((t) => t.rows.length === 0 || t.id === 'losses')).toBe(true);
    expect(empty.tables[2]!.empty).toBe('None');
  });

  it('lays out a stored copy read back through the schema the same as the model itself', () => {
    const stored = shiftReportSchema.parse(JSON.parse(JSON.stringify(report)));
    expect(layoutShiftReport(stored, translator(de), 'de')).toEqual(layoutShiftReport(report, translator(de), 'de'));
  });

  it("names an undo's reason in the reader's language, not by its code, and keeps a lead's own words", () => {
    expect(whyText(translator(en), 'entered-twice')).toBe('Entered twice');
    expect(whyText(translator(de), 'entered-twice')).toBe('Doppelt erfasst');
    expect(whyText(translator(de), 'corrected-by-minus-one')).toBe('mit −1 korrigiert');
    expect(whyText(translator(en), 'Bearing, not tool')).toBe('Bearing, not tool');
  });
});
