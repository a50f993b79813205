import type { Placeholder } from './query-builders.ts';
import type { BucketQuery, ShiftReportEntry, StoredShiftReport } from './storage.ts';

/** Shift report rows, the same SQL for both dialects but for placeholders. */
export interface ShiftReportRow {
  line_id: string;
  shift_start: number | string;
  shift_end: number | string;
  shift_id: string;
  made_at: number | string;
  model?: string;
}

const ENTRY_COLUMNS = 'line_id, shift_start, shift_end, shift_id, made_at';

export function shiftReportInsertSql(p: Placeholder): string {
  return `INSERT INTO shift_reports (${ENTRY_COLUMNS}, model) VALUES (${[1, 2, 3, 4, 5, 6].map(p).join(', ')})
    ON CONFLICT (line_id, shift_start) DO NOTHING`;
}

export function shiftReportValues(r: StoredShiftReport): unknown[] {
  return [r.lineId, r.shiftStart, r.shiftEnd, r.shiftId, r.madeAt, r.model];
}

export function shiftReportGetSql(p: Placeholder): string {
  return `SELECT ${ENTRY_COLUMNS}, model FROM shift_reports WHERE line_id = ${p(1)} AND shift_start = ${p(2)}`;
}

/** Lines are passed one placeholder each; an empty line list reads nothing. */
export function shiftReportListSql(p: Placeholder, query: BucketQuery): { sql: string; params: unknown[] } {
  const lines = query.lineIds ?? [];
  const params: unknown[] = [query.from, query.to, ...lines];
  const inList = lines.length ? `AND line_id IN (${lines.map((_, i) => p(i + 3)).join(', ')})` : 'AND 1 = 0';
  return {
    sql: `SELECT ${ENTRY_COLUMNS} FROM shift_reports WHERE shift_start >= ${p(1)} AND shift_start < ${p(2)} ${inList} ORDER BY line_id, shift_start`,
    params,
  };
}

export function fromShiftReportRow(row: ShiftReportRow): ShiftReportEntry {
  return { lineId: row.line_id, shiftStart: Number(row.shift_start), shiftEnd: Number(row.shift_end), shiftId: row.shift_id, madeAt: Number(row.made_at) };
}
