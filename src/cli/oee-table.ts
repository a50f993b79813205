import type { OeeReport } from '../core/index.ts';
import { minutes, percent, reportRows, type OeeRow } from './oee-rows.ts';

function localFormatter(timezone: string) {
  const f = new Intl.DateTimeFormat('sv-SE', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  // sv-SE formats as "2026-03-02 06:00", close to ISO and easy to read.
  return (ms: number) => f.format(ms);
}

function span(row: OeeRow, local: (ms: number) => string): string {
  const start = local(row.start);
  const end = local(row.end);
  // Same day: show only the end time ("2026-03-02 06:00-14:00").
  return start.slice(0, 10) === end.slice(0, 10) ? `${start}-${end.slice(11)}` : `${start} - ${end}`;
}

function cells(row: OeeRow, local: (ms: number) => string): string[] {
  const f = row.figures;
  // A ratio without a denominator (quality with no parts) shows "-", never 0 % or 100 %.
  const pct = (r: number | null) => {
    const p = f.isScheduled ? percent(r) : null;
    return p === null ? '-' : `${p} %`;
  };
  const note = f.isPerformanceOverLimit ? 'P > 100 %: check ideal cycle time' : '';
  return [
    row.scope, row.id, span(row, local), row.label,
    minutes(f.plannedMs), minutes(f.runMs), String(f.good), String(f.reject),
    pct(f.availability), pct(f.performance), pct(f.quality),
    f.isScheduled ? pct(f.oee) : f.noDataMs > 0 ? 'no data' : 'not scheduled',
    coverage(f.coverage),
    note,
  ];
}

/** Monitored coverage (ADR 0009) beside OEE: "-" where nothing was scheduled. */
const coverage = (r: number | null) => (r === null ? '-' : `${percent(r)} %`);

const HEADER = ['scope', 'id', 'bucket', 'shift', 'planned min', 'run min', 'good', 'reject', 'A', 'P', 'Q', 'OEE', 'coverage', 'note'];
const RIGHT_ALIGNED = new Set([4, 5, 6, 7, 8, 9, 10, 11, 12]);

/** Renders a report as a fixed-width text table; times in the plant's time zone. */
export function renderTable(report: OeeReport, timezone: string): string {
  const local = localFormatter(timezone);
  const rows = [HEADER, ...reportRows(report).map((r) => cells(r, local))];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (RIGHT_ALIGNED.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(HEADER), rule, ...rows.slice(1).map(line)].join('\n') + '\n';
}
