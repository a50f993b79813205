import type { OeeReport } from '../core/index.ts';
import { reportRows } from '../core/oee/report-rows.ts';
import { pickColumns, TABLE_COLUMNS, type CellContext, type FigureColumn } from '../core/oee/figure-columns.ts';

/** Renders a report as a fixed-width text table; times in the plant's time zone. */
export function renderTable(report: OeeReport, ctx: CellContext, columns: readonly FigureColumn[] = pickColumns(TABLE_COLUMNS).columns): string {
  const header = columns.map((c) => c.heading);
  const body = reportRows(report).map((r) => columns.map((c) => (c.table ?? c.csv)(r, ctx) || (c.isNumeric ? '-' : '')));
  const rows = [header, ...body];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => (columns[i]!.isNumeric ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n') + '\n';
}
