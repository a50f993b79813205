import type { OeeReport } from '../core/index.ts';
import { minutes, percent, reportRows } from './oee-rows.ts';

/** RFC 4180: quote a field that holds a comma, quote, CR or LF, doubling inner quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const HEADER = [
  'scope', 'id', 'bucket_start', 'bucket_end', 'shift', 'planned_min', 'run_min', 'stop_min',
  'good', 'reject', 'total', 'availability_pct', 'performance_pct', 'quality_pct', 'oee_pct',
  'is_scheduled', 'is_performance_over_limit', 'no_data_min', 'coverage_pct',
];

/** Renders a report as CSV with a header row and CRLF line ends (RFC 4180); empty cells where a ratio is undefined. */
export function renderCsv(report: OeeReport): string {
  const rows = reportRows(report).map((r) => {
    const f = r.figures;
    return [
      r.scope, r.id, new Date(r.start).toISOString(), new Date(r.end).toISOString(), r.label,
      minutes(f.plannedMs), minutes(f.runMs), minutes(f.stopMs), String(f.good), String(f.reject), String(f.total),
      percent(f.availability) ?? '', percent(f.performance) ?? '', percent(f.quality) ?? '', percent(f.oee) ?? '',
      String(f.isScheduled), String(f.isPerformanceOverLimit), minutes(f.noDataMs), percent(f.coverage) ?? '',
    ];
  });
  return [HEADER, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
