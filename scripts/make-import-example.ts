/**
 * Writes plants/import-examples/schichtbuch.xlsx: the three CSV examples beside it as one workbook
 * with a sheet per kind, dates and times as real Excel dates and times (as a plant's own
 * spreadsheet holds them). Run: node --import tsx scripts/make-import-example.ts
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

const DIR = new URL('../plants/import-examples/', import.meta.url);
const sheets = [
  ['Stillstände', 'stillstaende.csv'],
  ['Stückzahlen', 'stueckzahlen.csv'],
  ['Rüsten', 'ruesten.csv'],
] as const;

/** "02.03.2026" to an Excel date, "06:40" to an Excel time of day; anything else as text or number. */
function cell(text: string): string | number | Date {
  const date = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text);
  if (date) return new Date(Date.UTC(Number(date[3]), Number(date[2]) - 1, Number(date[1])));
  const time = /^(\d{2}):(\d{2})$/.exec(text);
  if (time) return new Date(Date.UTC(1899, 11, 30, Number(time[1]), Number(time[2])));
  return /^\d+$/.test(text) ? Number(text) : text;
}

const wb = new ExcelJS.Workbook();
for (const [name, file] of sheets) {
  const rows = parse(await readFile(new URL(file, DIR), 'utf8'), { delimiter: ';' }) as string[][];
  const ws = wb.addWorksheet(name);
  ws.addRow(rows[0]);
  for (const r of rows.slice(1)) ws.addRow(r.map(cell));
  ws.getColumn(1).numFmt = 'dd.mm.yyyy';
  for (const c of [2, 3]) if (name !== 'Stückzahlen') ws.getColumn(c).numFmt = 'hh:mm';
}
await wb.xlsx.writeFile(new URL('schichtbuch.xlsx', DIR).pathname);
console.log('wrote plants/import-examples/schichtbuch.xlsx');
