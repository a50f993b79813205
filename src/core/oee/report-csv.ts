import type { OeeReport } from './report.ts';
import { reportRows } from './report-rows.ts';
import { CSV_COLUMNS, pickColumns, type CellContext, type FigureColumn } from './figure-columns.ts';

/** RFC 4180: quote a field that holds a comma, quote, CR or LF, doubling inner quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * A report as CSV (RFC 4180): a header row of column keys, CRLF line ends, empty cells where a
 * ratio is undefined. The same rows and columns for the CLI, `/api/report.csv` and shift reports.
 */
export function renderCsv(report: OeeReport, ctx: CellContext, columns: readonly FigureColumn[] = pickColumns(CSV_COLUMNS).columns): string {
  const rows = reportRows(report).map((r) => columns.map((c) => c.csv(r, ctx)));
  return [columns.map((c) => c.key), ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
