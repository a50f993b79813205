import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloorEvent, OeeReport } from '../../src/core/index.ts';
import { cliIn } from './run-cli.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const PLANT = join(ROOT, 'plants/demo.plant.yaml');
const EXAMPLES = join(ROOT, 'plants/import-examples');
const WITH_ERRORS = join(ROOT, 'test/fixtures/import/stops-with-errors.csv');
let dir: string;

const cli = cliIn(() => dir);
const parse = (ndjson: string) => ndjson.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as FloorEvent);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floorboard-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('floorboard import: a log with errors', () => {
  it.each([
    [3, 'Date', '"30.02.2026": day 30 does not exist in 2026-02'],
    [4, 'Line', 'unknown line "Linie 9"'],
    [5, 'End', '"25:10": hour 25 does not exist'],
    [6, 'Start', 'is empty'],
    [7, 'Station', 'unknown station of line turn-1 "Roboter"'],
    [8, 'Reason', 'unknown reason "Klemmung"'],
    [9, '(row)', 'same entry as row 2: imported once'],
    [12, '(row)', 'same entry as row 2: imported once'],
    [1, 'Signed', 'ignored: not a column of a stops log (date, start, end, line, station, reason, note)'],
  ])('reports row %i, column %s: %s', async (row, column, why) => {
    const { stderr } = await cli('import', '--plant', PLANT, '--file', WITH_ERRORS, '--kind', 'stops');
    expect(stderr).toContain(`stops-with-errors.csv: row ${row}, column "${column}": ${why}`);
  });

  it('still imports the valid rows, names matched in any case and spacing, and exits 1', async () => {
    const { code, stdout, stderr } = await cli('import', '--plant', PLANT, '--file', WITH_ERRORS, '--kind', 'stops');
    expect(code).toBe(1);
    expect(stderr).toContain('rows: 10 read, 2 imported, 2 repeating an earlier row, 6 refused');
    const events = parse(stdout);
    const starts = events.filter((e) => e.type === 'stop.start');
    // "Werkzeugbruch" (German label), "TURN-1", "Mechanischer Defekt": ids from the plant file.
    expect(starts.map((e) => [e.lineId, e.stationId, e.type === 'stop.start' && e.reasonId, new Date(e.ts).toISOString()])).toEqual([
      ['turn-1', 'turn-1-lathe', 'tool-break', '2026-03-02T05:40:00.000Z'],
      ['turn-1', 'turn-1-wash', 'mech-failure', '2026-03-02T09:00:00.000Z'],
    ]);
    const notes = events.filter((e) => e.type === 'note').map((e) => e.type === 'note' && e.text);
    expect(notes).toHaveLength(3);
    expect(notes).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Imported from stops-with-errors\.csv by floorboard import \(user import\): 6 entries covering/),
      'ok row',
      'a note, with a comma',
    ]));
    expect(events.every((e) => e.author === 'import' && e.deviceId === 'import')).toBe(true);
  });
});

describe('floorboard import: deterministic ids', () => {
  it('gives the same events for the same file, so a second import changes nothing', async () => {
    const args = ['import', '--plant', PLANT, '--file', join(EXAMPLES, 'stillstaende.csv'), '--kind', 'stops', '--map', join(EXAMPLES, 'mapping.yaml')];
    const first = await cli(...args);
    const second = await cli(...args);
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    // Both imports in one events file: the engine keeps each id once, so the figures are those of one import.
    await writeFile(join(dir, 'once.ndjson'), first.stdout);
    await writeFile(join(dir, 'twice.ndjson'), first.stdout + second.stdout);
    const oee = async (file: string) => JSON.parse((await cli('oee', '--plant', PLANT, '--events', file, '--format', 'json', '--by', 'window')).stdout) as OeeReport;
    const [once, twice] = [await oee('once.ndjson'), await oee('twice.ndjson')];
    expect(twice.site.total).toEqual(once.site.total);
    expect(once.site.total.stopCount).toBe(4);
  });
});

describe('floorboard import: the demo plant examples', () => {
  it.each([
    ['stillstaende.csv', 'stops', 5, { 'stop.start': 5, 'stop.end': 5 }],
    ['stueckzahlen.csv', 'counts', 4, { count: 4 }],
    ['ruesten.csv', 'changeovers', 2, { 'changeover.start': 2, 'changeover.end': 2 }],
  ])('imports every row of %s (%s)', async (file, kind, rows, types) => {
    const { code, stdout, stderr } = await cli('import', '--plant', PLANT, '--file', join(EXAMPLES, file), '--kind', kind, '--map', join(EXAMPLES, 'mapping.yaml'));
    expect(stderr).toContain(`rows: ${rows} read, ${rows} imported, 0 repeating an earlier row, 0 refused`);
    expect(code).toBe(0);
    const events = parse(stdout);
    for (const [type, n] of Object.entries(types)) expect(events.filter((e) => e.type === type)).toHaveLength(n);
  });

  it('imports the workbook schichtbuch.xlsx (Excel dates and times) to the very events of the three CSV files', async () => {
    const entries = (ndjson: string) => parse(ndjson).filter((e) => e.type !== 'note' || !e.text.startsWith('Imported from')).map((e) => JSON.stringify(e)).sort();
    const map = ['--map', join(EXAMPLES, 'mapping.yaml')];
    const xlsx = await cli('import', '--plant', PLANT, '--file', join(EXAMPLES, 'schichtbuch.xlsx'), ...map);
    expect(xlsx.code).toBe(0);
    const csv = await Promise.all([['stillstaende.csv', 'stops'], ['stueckzahlen.csv', 'counts'], ['ruesten.csv', 'changeovers']].map(([f, k]) => cli('import', '--plant', PLANT, '--file', join(EXAMPLES, f!), '--kind', k!, ...map)));
    expect(entries(xlsx.stdout)).toEqual(entries(csv.map((r) => r.stdout).join('')));
  });

  it('books a count for a shift in its last second, and the log covers the shift from its start', async () => {
    const out = join(dir, 'counts.ndjson');
    await cli('import', '--plant', PLANT, '--file', join(EXAMPLES, 'stueckzahlen.csv'), '--kind', 'counts', '--map', join(EXAMPLES, 'mapping.yaml'), '--out', out);
    const events = parse(await readFile(out, 'utf8'));
    const early = events.find((e) => e.type === 'count' && e.lineId === 'turn-1' && e.productId === 'sh-12');
    // Frühschicht 06:00-14:00 Berlin (UTC+1): 13:59:59 local.
    expect(new Date(early!.ts).toISOString()).toBe('2026-03-02T12:59:59.000Z');
    expect(early).toMatchObject({ good: 610, reject: 12, scrapReasonId: 'dimension' });
    const report = JSON.parse((await cli('oee', '--plant', PLANT, '--events', out, '--format', 'json', '--line', 'turn-1', '--from', '2026-03-02T06:00', '--to', '2026-03-02T14:00', '--by', 'window')).stdout) as OeeReport;
    // Monitored from 06:00 (the audit note), so the whole early shift is planned: 435 min (2 breaks, 45 min).
    expect(report.lines[0]!.total).toMatchObject({ plannedMs: 435 * 60_000, noDataMs: 0, good: 610 });
  });
});

describe('floorboard import: shifts as the calendar has them that day', () => {
  it('books a count for an extra shift named as the plant names it (its exception), at its own times', async () => {
    // The demo plant's extra shift "Sonderschicht Auftragsspitze" on Saturday 28.11.2026, 12:00-18:00.
    await writeFile(join(dir, 'saturday.csv'), ['Datum;Schicht;Linie;Produkt;Gut;Ausschuss', '28.11.2026;Sonderschicht Auftragsspitze;Drehlinie 1;Welle SH-12;120;0'].join('\n'));
    const { stdout, stderr, code } = await cli('import', '--plant', PLANT, '--file', 'saturday.csv', '--kind', 'counts', '--map', join(EXAMPLES, 'mapping.yaml'));
    expect(stderr).toContain('rows: 1 read, 1 imported');
    expect(code).toBe(0);
    const count = parse(stdout).find((e) => e.type === 'count');
    // 17:59:59 in Berlin (UTC+1): the last second of the extra shift.
    expect(new Date(count!.ts).toISOString()).toBe('2026-11-28T16:59:59.000Z');
  });
});

describe('floorboard import: XLSX', () => {
  it('reads sheets named for their kind, with Excel dates and times', async () => {
    const wb = new ExcelJS.Workbook();
    const stops = wb.addWorksheet('Stillstände');
    stops.addRow(['Datum', 'Von', 'Bis', 'Linie', 'Grund']);
    // Excel keeps a date and a time of day as day counts; exceljs hands them over as UTC Dates.
    stops.addRow([new Date(Date.UTC(2026, 2, 2)), new Date(Date.UTC(1899, 11, 30, 6, 40)), new Date(Date.UTC(1899, 11, 30, 7, 5)), 'Drehlinie 1', 'Werkzeugbruch']);
    stops.addRow([new Date(Date.UTC(2026, 2, 2)), '09:50', '10:02', 'Drehlinie 1', 'Unbekannt']);
    const counts = wb.addWorksheet('Stückzahlen');
    counts.addRow(['Datum', 'Uhrzeit', 'Linie', 'Produkt', 'Gut', 'Ausschuss']);
    counts.addRow(['2026-03-02', '13:00', 'turn-1', 'Welle SH-12', 100, 2]);
    wb.addWorksheet('Notizen').addRow(['not a log']);
    const file = join(dir, 'log.xlsx');
    await wb.xlsx.writeFile(file);
    const { code, stdout, stderr } = await cli('import', '--plant', PLANT, '--file', file);
    expect(code).toBe(1);
    expect(stderr).toContain('Stillstände: row 3, column "Grund": unknown reason "Unbekannt"');
    const events = parse(stdout);
    expect(events.find((e) => e.type === 'stop.start')).toMatchObject({ ts: Date.UTC(2026, 2, 2, 5, 40), reasonId: 'tool-break', lineId: 'turn-1' });
    expect(events.find((e) => e.type === 'count')).toMatchObject({ ts: Date.UTC(2026, 2, 2, 12), productId: 'sh-12', good: 100, reject: 2 });
  });

  it('names a missing column and the other headers it may have, and exits 1', async () => {
    await writeFile(join(dir, 'no-product.csv'), 'Datum;Schicht;Linie;Gut\n02.03.2026;early;turn-1;5\n');
    const { code, stderr } = await cli('import', '--plant', PLANT, '--file', 'no-product.csv', '--kind', 'counts');
    expect(code).toBe(1);
    expect(stderr).toContain('no-product.csv: row 1, column "product": no such column; a counts log needs date, line, product, and time or shift (this one may also be headed produkt, artikel, part, teil)');
  });

  it.each([
    [['--file', 'log.txt'], 'log.txt": must be a .csv or .xlsx file'],
    [['--file', join(EXAMPLES, 'stillstaende.csv')], '--kind: is required for a CSV file'],
    [['--file', join(EXAMPLES, 'stillstaende.csv'), '--kind', 'pauses'], '--kind "pauses": must be one of stops, counts, changeovers'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stderr } = await cli('import', '--plant', PLANT, ...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
