import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { FloorboardError } from '../core/index.ts';
import { kindOfSheet, type ImportKind } from '../core/import/import-kinds.ts';
import type { ImportSheet } from '../core/import/import-rows.ts';

/** A sheet before its kind is known. */
type RawSheet = Omit<ImportSheet, 'kind'>;

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * An Excel cell as the text a person sees: dates as 2026-03-02, times of day as 06:00 (Excel keeps
 * both as a day count; exceljs hands them over as Date objects in UTC wall time), formulas by their
 * result, rich text by its text.
 */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const date = `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
    const time = `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}${value.getUTCSeconds() ? `:${pad(value.getUTCSeconds())}` : ''}`;
    // Excel's day 0 (1899-12-30): a time of day without a date.
    if (value.getUTCFullYear() < 1901) return time;
    return time === '00:00' ? date : `${date} ${time}`;
  }
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return String(value.error);
    return '';
  }
  return String(value);
}

async function readXlsx(path: string): Promise<RawSheet[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb.worksheets.map((ws) => {
    const rows: { rowNo: number; cells: string[] }[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNo) => {
      const values = row.values as ExcelJS.CellValue[];
      // row.values is 1-based: index 0 is always empty.
      rows.push({ rowNo, cells: values.slice(1).map(cellText) });
    });
    const [head, ...body] = rows;
    return { name: ws.name, header: head?.cells ?? [], rows: body };
  });
}

async function readCsv(path: string): Promise<RawSheet[]> {
  const text = await readFile(path, 'utf8');
  // German spreadsheets write ";" between fields: take whichever the header line uses.
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    records = parse(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: false, trim: true }) as string[][];
  } catch (error) {
    throw new FloorboardError('invalid-arguments', `cannot read ${path} as CSV: ${(error as Error).message}`, { cause: error });
  }
  const [head, ...body] = records;
  return [{ name: basename(path), header: head ?? [], rows: body.map((cells, i) => ({ rowNo: i + 2, cells })) }];
}

/**
 * The sheets of a CSV or XLSX log with their kinds: a CSV file is one sheet of `kind`; in a
 * workbook, sheets named for a kind ("Stops", "Stillstände", "Counts", ...) are that kind, and
 * with `kind` given, the other sheets are that kind too.
 */
export async function readLog(path: string, kind: ImportKind | undefined): Promise<ImportSheet[]> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx') throw new FloorboardError('invalid-arguments', 'bad arguments', { details: [`--file "${path}": must be a .csv or .xlsx file`] });
  let raw: RawSheet[];
  try {
    raw = ext === '.csv' ? await readCsv(path) : await readXlsx(path);
  } catch (error) {
    if (error instanceof FloorboardError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new FloorboardError('invalid-arguments', `cannot read ${path}: ${reason}`, { cause: error });
  }
  const sheets = raw.flatMap((s) => {
    const k = kindOfSheet(s.name) ?? kind;
    return k ? [{ ...s, kind: k }] : [];
  });
  if (sheets.length === 0)
    throw new FloorboardError('invalid-arguments', 'bad arguments', {
      details: [ext === '.csv' ? '--kind: is required for a CSV file (stops, counts or changeovers)' : `--kind: no sheet is named for a kind (${raw.map((s) => s.name).join(', ')}); name the sheets Stops, Counts, Changeovers or give --kind`],
    });
  return sheets;
}
