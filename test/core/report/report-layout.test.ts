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
import { OTHER_KEY } from '../../../src/core/charts/pareto.ts';
import { buildShiftReport, WINDOW_SHIFT_ID } from '../../../src/core/report/shift-report.ts';
import { EventMaker, H, MIN, MONDAY, makePlant } from '../oee/fixtures.ts';
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
    // A handover's topics in the words the tablet and the line view show them with (the report had its own: "Material", "Qualitätsbedenken").
    expect(l.tables.find((t) => t.id === 'handovers')!.rows[0]).toEqual(['1:50 PM', 's1', 'op1', 'Material supply · Coil nearly empty', 'op1 2:10 PM']);
    expect(layoutShiftReport(report, translator(de), 'de').tables.find((t) => t.id === 'handovers')!.rows[0]?.[3]).toBe('Materialversorgung · Coil nearly empty');
    expect(l.tables.find((t) => t.id === 'corrections')!.rows[0]?.[2]).toBe('Jam → Setup');
    const quiet = buildShiftReport({ plant, events: [], lineId: 'l2', shift, now: MONDAY + 15 * H });
    const empty = layoutShiftReport(quiet, translator(en), 'en');
    expect(empty.tables.every((t) => t.rows.length === 0 || t.id === 'losses')).toBe(true);
    expect(empty.tables[2]!.empty).toBe('None');
  });

  it('accounts for every reject in "Scrap by reason": a machine counter\'s rejects get a row of their own, so the rows sum to "Rejects"', () => {
    const m = new EventMaker();
    const at = (h: number, min = 0) => MONDAY + h * H + min * MIN;
    const gw = { deviceId: 'gw-l1' };
    const events = [
      // The machine's counters: a baseline, then 500 parts of which 5 rejects (no reason: a counter has none).
      m.ev(at(7), { type: 'machine.counter', total: 1000, rejectTotal: 20 }, gw),
      m.ev(at(9), { type: 'machine.counter', total: 1500, rejectTotal: 25 }, gw),
      // And an operator's late scrap with a reason.
      m.ev(at(10), { type: 'scrap', productId: 'p1', quantity: 2, reasonId: 'mech' }),
    ];
    const r = buildShiftReport({ plant, events, lineId: 'l1', shift, now: MONDAY + 15 * H });
    expect(r.figures.reject).toBe(7);
    const inEn = layoutShiftReport(r, translator(en), 'en');
    const inDe = layoutShiftReport(r, translator(de), 'de');
    const scrap = (l: typeof inEn) => l.tables.find((t) => t.id === 'scrap')!;
    expect(inEn.kpis.find((k) => k.id === 'reject')!.value).toBe('7');
    expect(scrap(inEn).rows).toEqual([['Mechanical', '2'], ['Machine rejects (no reason given)', '5']]);
    expect(scrap(inEn).keys).toEqual(['mech', 'machine']);
    expect(scrap(inDe).rows[1]).toEqual(['Maschinenausschuss (ohne Grund)', '5']);
    // Only the machine's rejects: no longer "None".
    const onlyMachine = buildShiftReport({ plant, events: events.slice(0, 2), lineId: 'l1', shift, now: MONDAY + 15 * H });
    expect(scrap(layoutShiftReport(onlyMachine, translator(en), 'en')).rows).toEqual([['Machine rejects (no reason given)', '5']]);
    // Operators' entries that explain every reject: no machine row.
    expect(scrap(layoutShiftReport(report, translator(en), 'en')).keys).toEqual(['jam', 'mech']);
  });

  it('calls a stop under one second "Under 1 s: no reason needed", not "No reason yet", while a longer one still lacks its reason', () => {
    const m = new EventMaker();
    const at = (h: number, min = 0) => MONDAY + h * H + min * MIN;
    const gw = { deviceId: 'gw-l1' };
    const events = [
      m.ev(at(7), { type: 'machine.state', state: 'running' }, gw),
      m.ev(at(8), { type: 'machine.state', state: 'fault' }, gw),
      m.ev(at(8) + 400, { type: 'machine.state', state: 'running' }, gw),
      m.ev(at(9), { type: 'machine.state', state: 'fault' }, gw),
      m.ev(at(9, 5), { type: 'machine.state', state: 'running' }, gw),
    ];
    const r = buildShiftReport({ plant, events, lineId: 'l1', shift, now: MONDAY + 15 * H });
    const stops = (l: ReturnType<typeof layoutShiftReport>) => l.tables.find((t) => t.id === 'stops')!.rows.map((row) => row[3]);
    expect(stops(layoutShiftReport(r, translator(en), 'en'))).toEqual(['Under 1 s: no reason needed', 'No reason yet (Equipment failure)']);
    expect(stops(layoutShiftReport(r, translator(de), 'de'))[0]).toBe('Unter 1 s: kein Grund nötig');
  });

  it('names a changeover for what it is among the reasons, never "No reason yet" (it needs none), in English and German', () => {
    const m = new EventMaker();
    const at = (h: number, min = 0) => MONDAY + h * H + min * MIN;
    const gw = { deviceId: 'gw-l1' };
    const events = [
      m.ev(at(7), { type: 'machine.state', state: 'running' }, gw),
      m.ev(at(8), { type: 'changeover.start', toProductId: 'p2' }),
      m.ev(at(8, 20), { type: 'changeover.end', productId: 'p2' }),
      m.ev(at(9), { type: 'machine.state', state: 'fault' }, gw),
      m.ev(at(9, 5), { type: 'machine.state', state: 'running' }, gw),
    ];
    const r = buildShiftReport({ plant, events, lineId: 'l1', shift, now: MONDAY + 15 * H });
    const column = (l: ReturnType<typeof layoutShiftReport>, id: string, k: number) => l.tables.find((t) => t.id === id)!.rows.map((row) => row[k]);
    const inEn = layoutShiftReport(r, translator(en), 'en');
    expect(column(inEn, 'reasons', 0)).toEqual(['Changeover or setup', 'No reason yet (Equipment failure)']);
    // The stops table leaves the changeover to the changeovers table.
    expect(column(inEn, 'stops', 3)).toEqual(['No reason yet (Equipment failure)']);
    expect(column(layoutShiftReport(r, translator(de), 'de'), 'reasons', 0)[0]).toBe('Umrüsten oder Einrichten');
  });

  it('lists the top five reasons and one "Other" ("Andere") row for the rest, each a share of all time lost', () => {
    const m = new EventMaker();
    const at = (h: number, min = 0) => MONDAY + h * H + min * MIN;
    // Six reason tallies in 90 minutes: no reason 30, mech 20, jam 15, setup 12, small 11, and a 2-minute stop (minor, no reason).
    const events = [
      ...m.stop(at(6, 10), at(6, 40)),
      ...m.stop(at(7), at(7, 20), { reasonId: 'mech' }),
      ...m.stop(at(8, 30), at(8, 45), { reasonId: 'jam' }),
      ...m.stop(at(9), at(9, 12), { reasonId: 'setup' }),
      ...m.stop(at(11), at(11, 11), { reasonId: 'small' }),
      ...m.stop(at(13), at(13, 1)),
      ...m.stop(at(13, 20), at(13, 21)),
    ];
    const six = buildShiftReport({ plant, events, lineId: 'l1', shift, now: MONDAY + 15 * H });
    const table = (l: ReturnType<typeof layoutShiftReport>) => l.tables.find((t) => t.id === 'reasons')!;
    const inEn = table(layoutShiftReport(six, translator(en), 'en'));
    expect(inEn.keys).toEqual(['none:breakdown', 'mech', 'jam', 'setup', 'small', OTHER_KEY]);
    expect(inEn.rows.at(-1)).toEqual(['Other', '2 min', '2', '2.2%']);
    // Shares of the whole 90 minutes (Other included), so they add up to 100 %.
    expect(inEn.rows.map((r) => r[3])).toEqual(['33.3%', '22.2%', '16.7%', '13.3%', '12.2%', '2.2%']);
    expect(table(layoutShiftReport(six, translator(de), 'de')).rows.at(-1)).toEqual(['Andere', '2 Min.', '2', '2,2\u00a0%']);
    // Five tallies: no "Other" row.
    const five = buildShiftReport({ plant, events: events.slice(0, -4), lineId: 'l1', shift, now: MONDAY + 15 * H });
    expect(table(layoutShiftReport(five, translator(en), 'en')).keys).toEqual(['none:breakdown', 'mech', 'jam', 'setup', 'small']);
    // A copy stored before "Other" was kept reads back without one.
    const old = JSON.parse(JSON.stringify(six)) as { figures: { otherReasons?: unknown } };
    delete old.figures.otherReasons;
    expect(table(layoutShiftReport(shiftReportSchema.parse(old), translator(en), 'en')).keys).not.toContain(OTHER_KEY);
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
