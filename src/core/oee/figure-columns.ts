import type { BigLoss, ReasonLoss } from './report.ts';
import { minutes, percent, type OeeRow } from './report-rows.ts';

/** What a column's cell may need beyond the row: the plant's time zone for local times. */
export interface CellContext {
  timezone: string;
}

/**
 * One figure of a report row, defined once for every output: CSV header (`key`), table heading,
 * the formula shown by `floorboard oee --help` and kept in docs/oee.md, and the cell.
 * `csv` gives the machine-readable cell ('' where a ratio is undefined); `table` the human one
 * (units, "-" for no value), defaulting to `csv` (or "-").
 */
export interface FigureColumn {
  key: string;
  heading: string;
  formula: string;
  isNumeric: boolean;
  csv: (row: OeeRow, ctx: CellContext) => string;
  table?: (row: OeeRow, ctx: CellContext) => string;
}

/** A ratio shown only where planned time exists: "-" where nothing was scheduled or there is no denominator. */
const tablePct = (r: number | null, isScheduled = true) => (isScheduled && r !== null ? `${percent(r)} %` : '-');
const optMinutes = (ms: number | null) => (ms === null ? '' : minutes(ms));

const LOSS_NAMES: Record<BigLoss, string> = {
  breakdown: 'equipment failure: unplanned stops at or over the small-stop threshold (availability)',
  setup: 'setup and adjustments: changeovers, machine setup state (availability)',
  'minor-stop': 'idling and minor stops: stops under the threshold (performance)',
  'reduced-speed': 'reduced speed: run - ideal - minor stop time, at least 0 (performance)',
  'process-defect': 'process defects: rejects x ideal cycle time, outside start-up (quality)',
  'reduced-yield': 'reduced yield: rejects x ideal cycle time within the start-up window after a changeover (quality)',
};

function lossColumn(loss: BigLoss, heading: string): FigureColumn {
  return {
    key: `loss_${loss.replace('-', '_')}_min`,
    heading,
    formula: `minutes lost to ${LOSS_NAMES[loss]}`,
    isNumeric: true,
    csv: (r) => minutes(r.figures.lossMs[loss]),
  };
}

/** "jam 47.0 min x1; unclassified breakdown 12.0 min x2": reason id (or the loss when unclassified), time, stops. */
export function formatTopReasons(reasons: readonly ReasonLoss[]): string {
  return reasons.map((r) => `${r.reasonId ?? `unclassified ${r.loss}`} ${minutes(r.durationMs)} min x${r.count}`).join('; ');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localSpan(row: OeeRow, timezone: string): string {
  // One formatter per zone: making one is far slower than formatting, and a year by hour is 8,760 rows.
  let f = formatters.get(timezone);
  if (!f) formatters.set(timezone, (f = new Intl.DateTimeFormat('sv-SE', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  // sv-SE formats as "2026-03-02 06:00", close to ISO; on one day only the end time is repeated.
  const start = f.format(row.start);
  const end = f.format(row.end);
  return start.slice(0, 10) === end.slice(0, 10) ? `${start}-${end.slice(11)}` : `${start} - ${end}`;
}

/** Every column a report row has, in CSV order (the first 19 are the CSV of earlier versions). */
export const FIGURE_COLUMNS: readonly FigureColumn[] = [
  { key: 'scope', heading: 'scope', formula: 'line, area or site', isNumeric: false, csv: (r) => r.scope },
  { key: 'id', heading: 'id', formula: 'id of the line, area or site', isNumeric: false, csv: (r) => r.id },
  { key: 'bucket_start', heading: 'start', formula: 'bucket start, UTC ISO 8601', isNumeric: false, csv: (r) => new Date(r.start).toISOString() },
  { key: 'bucket_end', heading: 'end', formula: 'bucket end (exclusive), UTC ISO 8601', isNumeric: false, csv: (r) => new Date(r.end).toISOString() },
  { key: 'shift', heading: 'shift', formula: 'shift id of a shift bucket; "total" for the whole window of a scope with several buckets', isNumeric: false, csv: (r) => r.label },
  { key: 'planned_min', heading: 'planned min', formula: 'planned time = shift time - breaks - planned stops - no-data time left out (ADR 0009)', isNumeric: true, csv: (r) => minutes(r.figures.plannedMs) },
  { key: 'run_min', heading: 'run min', formula: 'run time = planned time - unplanned stop time (minor stops are run time)', isNumeric: true, csv: (r) => minutes(r.figures.runMs) },
  { key: 'stop_min', heading: 'stop min', formula: 'unplanned stop time inside planned time, minor stops excluded', isNumeric: true, csv: (r) => minutes(r.figures.stopMs) },
  { key: 'good', heading: 'good', formula: 'good count = counted - rejects - later scrap', isNumeric: true, csv: (r) => String(r.figures.good) },
  { key: 'reject', heading: 'reject', formula: 'reject count (scrap included)', isNumeric: true, csv: (r) => String(r.figures.reject) },
  { key: 'total', heading: 'total', formula: 'total count = good + reject', isNumeric: true, csv: (r) => String(r.figures.total) },
  {
    key: 'availability_pct', heading: 'A', formula: 'availability = run time / planned time', isNumeric: true,
    csv: (r) => percent(r.figures.availability) ?? '', table: (r) => tablePct(r.figures.availability, r.figures.isScheduled),
  },
  {
    key: 'performance_pct', heading: 'P', formula: 'performance = ideal time / run time; ideal time = sum of count x the ideal cycle time of the product it was made as', isNumeric: true,
    csv: (r) => percent(r.figures.performance) ?? '', table: (r) => tablePct(r.figures.performance, r.figures.isScheduled),
  },
  {
    key: 'quality_pct', heading: 'Q', formula: 'quality = good count / total count (count-based)', isNumeric: true,
    csv: (r) => percent(r.figures.quality) ?? '', table: (r) => tablePct(r.figures.quality, r.figures.isScheduled),
  },
  {
    key: 'oee_pct', heading: 'OEE', formula: 'OEE = A x P x Q; 0 when planned time had no run or no count; none when nothing was scheduled', isNumeric: true,
    csv: (r) => percent(r.figures.oee) ?? '',
    table: (r) => (r.figures.isScheduled ? tablePct(r.figures.oee) : r.figures.noDataMs > 0 ? 'no data' : 'not scheduled'),
  },
  { key: 'is_scheduled', heading: 'scheduled', formula: 'planned time > 0 (else every ratio is empty: "not scheduled")', isNumeric: false, csv: (r) => String(r.figures.isScheduled) },
  { key: 'is_performance_over_limit', heading: 'P > 100 %', formula: 'performance > 100 %: the ideal cycle time is wrong', isNumeric: false, csv: (r) => String(r.figures.isPerformanceOverLimit) },
  { key: 'no_data_min', heading: 'no data min', formula: 'time nobody saw inside shift time minus breaks (ADR 0009); never run time', isNumeric: true, csv: (r) => minutes(r.figures.noDataMs) },
  {
    key: 'coverage_pct', heading: 'coverage', formula: 'monitored coverage = monitored planned time / scheduled planned time', isNumeric: true,
    csv: (r) => percent(r.figures.coverage) ?? '', table: (r) => tablePct(r.figures.coverage),
  },
  { key: 'all_time_min', heading: 'calendar min', formula: 'calendar (all) time of the bucket inside the window and before as-of', isNumeric: true, csv: (r) => minutes(r.figures.allTimeMs) },
  {
    key: 'utilization_pct', heading: 'util', formula: 'utilization = planned time / calendar time (0 % on a day without shifts)', isNumeric: true,
    csv: (r) => percent(r.figures.utilization) ?? '', table: (r) => tablePct(r.figures.utilization),
  },
  {
    key: 'teep_pct', heading: 'TEEP', formula: 'TEEP = OEE x utilization', isNumeric: true,
    csv: (r) => percent(r.figures.teep) ?? '', table: (r) => tablePct(r.figures.teep),
  },
  { key: 'ideal_min', heading: 'ideal min', formula: 'ideal time = sum of count x ideal cycle time', isNumeric: true, csv: (r) => minutes(r.figures.idealMs) },
  { key: 'planned_stop_min', heading: 'planned stop min', formula: 'stops booked to a planned reason: not planned time, not a loss', isNumeric: true, csv: (r) => minutes(r.figures.plannedStopMs) },
  { key: 'stop_count', heading: 'stops', formula: 'stops starting in the bucket (counted once, in their first planned minute), minor ones included', isNumeric: true, csv: (r) => String(r.figures.stopCount) },
  { key: 'minor_stop_count', heading: 'minor', formula: 'stops shorter than the line\'s small-stop threshold (or booked to a minor-stop reason)', isNumeric: true, csv: (r) => String(r.figures.minorStopCount) },
  { key: 'mtbf_min', heading: 'MTBF min', formula: 'MTBF = run time / breakdown stops', isNumeric: true, csv: (r) => optMinutes(r.figures.mtbfMs), table: (r) => optMinutes(r.figures.mtbfMs) || '-' },
  { key: 'mttr_min', heading: 'MTTR min', formula: 'MTTR = breakdown time / breakdown stops', isNumeric: true, csv: (r) => optMinutes(r.figures.mttrMs), table: (r) => optMinutes(r.figures.mttrMs) || '-' },
  lossColumn('breakdown', 'breakdown min'),
  lossColumn('setup', 'setup min'),
  lossColumn('minor-stop', 'minor min'),
  lossColumn('reduced-speed', 'speed min'),
  lossColumn('process-defect', 'defect min'),
  lossColumn('reduced-yield', 'yield min'),
  {
    key: 'top_reasons', heading: 'top reasons', formula: 'top 5 (reason, loss) by stop time, then count: "reason minutes x stops"', isNumeric: false,
    csv: (r) => formatTopReasons(r.figures.topReasons), table: (r) => formatTopReasons(r.figures.topReasons) || '-',
  },
  { key: 'bucket', heading: 'bucket', formula: 'bucket span in the plant\'s time zone', isNumeric: false, csv: (r, ctx) => localSpan(r, ctx.timezone) },
  { key: 'note', heading: 'note', formula: 'warnings, e.g. "P > 100 %: check ideal cycle time"', isNumeric: false, csv: (r) => (r.figures.isPerformanceOverLimit ? 'P > 100 %: check ideal cycle time' : '') },
];

const byKey = new Map(FIGURE_COLUMNS.map((c) => [c.key, c]));

/** CSV default: every column but the table's local span and note. */
export const CSV_COLUMNS = FIGURE_COLUMNS.filter((c) => c.key !== 'bucket' && c.key !== 'note').map((c) => c.key);

/** Table default: what a plant engineer reads, the six losses and top reasons included. */
export const TABLE_COLUMNS = [
  'scope', 'id', 'bucket', 'shift', 'planned_min', 'run_min', 'good', 'reject', 'availability_pct', 'performance_pct', 'quality_pct', 'oee_pct',
  'coverage_pct', 'utilization_pct', 'teep_pct', 'stop_count', 'mtbf_min', 'mttr_min',
  'loss_breakdown_min', 'loss_setup_min', 'loss_minor_stop_min', 'loss_reduced_speed_min', 'loss_process_defect_min', 'loss_reduced_yield_min',
  'top_reasons', 'note',
];

/**
 * The columns named (in that order); "all" stands for every column.
 * @returns the columns, or the names no column has.
 */
export function pickColumns(names: readonly string[]): { columns: FigureColumn[]; unknown: string[] } {
  const expanded = names.flatMap((n) => (n === 'all' ? FIGURE_COLUMNS.map((c) => c.key) : [n]));
  const unknown = expanded.filter((n) => !byKey.has(n));
  return { columns: expanded.flatMap((n) => byKey.get(n) ?? []), unknown };
}

/** One line per column, "key  formula": the figure list of `--help` and docs/oee.md. */
export function columnHelp(indent = '  '): string {
  const width = Math.max(...FIGURE_COLUMNS.map((c) => c.key.length));
  return FIGURE_COLUMNS.map((c) => `${indent}${c.key.padEnd(width)}  ${c.formula}`).join('\n');
}
