import { describeIssues } from '../../core/events.schema.ts';
import { FloorboardError } from '../../core/errors.ts';
import { hourlyBucketSchema, type HourlyBucket, type HourlyBucketInput } from './storage.ts';

/** Additive columns of `hourly_buckets` as schema version 2 made them (frozen: migrations use it). */
export const BUCKET_V2_VALUE_COLUMNS = [
  ['all_time_ms', 'ms'],
  ['planned_ms', 'ms'],
  ['planned_stop_ms', 'ms'],
  ['stop_ms', 'ms'],
  ['run_ms', 'ms'],
  ['ideal_ms', 'ms'],
  ['good', 'count'],
  ['reject', 'count'],
  ['stop_count', 'count'],
  ['minor_stop_count', 'count'],
  ['loss_breakdown_ms', 'ms'],
  ['loss_setup_ms', 'ms'],
  ['loss_minor_stop_ms', 'ms'],
  ['loss_reduced_speed_ms', 'ms'],
  ['loss_process_defect_ms', 'ms'],
  ['loss_reduced_yield_ms', 'ms'],
] as const;

/** Columns added by schema version 4: breakdown count, and the reason tallies as JSON text (null before). */
export const BUCKET_V4_COLUMNS = ['breakdown_count', 'reasons'] as const;

/** Columns added by schema version 5: no-data time, and planned time as scheduled (null before: planned). */
export const BUCKET_V5_COLUMNS = ['no_data_ms', 'scheduled_ms'] as const;

/** Value columns of `hourly_buckets` after the key (line_id, bucket_start), in binding order. */
export const BUCKET_VALUE_COLUMNS = [...BUCKET_V2_VALUE_COLUMNS.map(([name]) => name), ...BUCKET_V4_COLUMNS, ...BUCKET_V5_COLUMNS] as const;

/** Every column of `hourly_buckets`, key first. */
export const BUCKET_COLUMNS = ['line_id', 'bucket_start', ...BUCKET_VALUE_COLUMNS] as const;

/**
 * Validates buckets (every bad one is listed with its index) and keeps the last of any repeated
 * (lineId, start): PostgreSQL refuses to update one row twice in a single statement.
 */
export function checkBuckets(rows: readonly HourlyBucketInput[]): HourlyBucket[] {
  const problems: string[] = [];
  const parsed = new Map<string, HourlyBucket>();
  rows.forEach((row, index) => {
    const result = hourlyBucketSchema.safeParse(row);
    if (result.success) parsed.set(`${result.data.lineId}@${result.data.start}`, result.data);
    else for (const line of describeIssues(result.error)) problems.push(`buckets.${index}.${line}`);
  });
  if (problems.length > 0) {
    throw new FloorboardError('invalid-arguments', 'storage refused the hourly buckets', { details: problems });
  }
  return [...parsed.values()];
}

/** Values in BUCKET_COLUMNS order. */
export function toBucketValues(b: HourlyBucket): (string | number | null)[] {
  const l = b.lossMs;
  return [
    b.lineId, b.start, b.allTimeMs, b.plannedMs, b.plannedStopMs, b.stopMs, b.runMs, b.idealMs,
    b.good, b.reject, b.stopCount, b.minorStopCount,
    l.breakdown, l.setup, l['minor-stop'], l['reduced-speed'], l['process-defect'], l['reduced-yield'],
    b.breakdownCount, b.reasons === null ? null : JSON.stringify(b.reasons),
    b.noDataMs, b.scheduledMs,
  ];
}

type BucketRow = Record<(typeof BUCKET_COLUMNS)[number], string | number | null>;

/** A row back to a bucket (PostgreSQL hands bigints back as strings). */
export function fromBucketRow(row: BucketRow): HourlyBucket {
  const n = (key: keyof BucketRow) => Number(row[key]);
  return {
    lineId: String(row.line_id),
    start: n('bucket_start'),
    allTimeMs: n('all_time_ms'),
    plannedMs: n('planned_ms'),
    plannedStopMs: n('planned_stop_ms'),
    stopMs: n('stop_ms'),
    runMs: n('run_ms'),
    idealMs: n('ideal_ms'),
    good: n('good'),
    reject: n('reject'),
    stopCount: n('stop_count'),
    minorStopCount: n('minor_stop_count'),
    lossMs: {
      breakdown: n('loss_breakdown_ms'),
      setup: n('loss_setup_ms'),
      'minor-stop': n('loss_minor_stop_ms'),
      'reduced-speed': n('loss_reduced_speed_ms'),
      'process-defect': n('loss_process_defect_ms'),
      'reduced-yield': n('loss_reduced_yield_ms'),
    },
    breakdownCount: n('breakdown_count'),
    // Written by this codec from checked buckets, so parsed without a second validation.
    reasons: row.reasons === null ? null : (JSON.parse(String(row.reasons)) as HourlyBucket['reasons']),
    noDataMs: n('no_data_ms'),
    scheduledMs: row.scheduled_ms === null ? n('planned_ms') : n('scheduled_ms'),
  };
}
