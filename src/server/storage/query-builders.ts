import { describeIssues } from '../../core/events.schema.ts';
import { FloorboardError } from '../../core/errors.ts';
import type { z } from 'zod';
import { BUCKET_COLUMNS } from './bucket-codec.ts';
import { EVENT_COLUMNS } from './event-codec.ts';
import { bucketQuerySchema, deadLetterQuerySchema, eventQuerySchema, type BucketQuery, type DeadLetterQuery, type EventQuery } from './storage.ts';

/** Placeholder style of a dialect: SQLite `?`, PostgreSQL `$n` (1-based). */
export type Placeholder = (index: number) => string;
export const sqlitePlaceholder: Placeholder = () => '?';
export const postgresPlaceholder: Placeholder = (index) => `$${index}`;

export interface BuiltQuery {
  sql: string;
  params: (string | number)[];
}

/** Parses a query argument at the storage boundary, listing every problem. */
export function parseQuery<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new FloorboardError('invalid-arguments', `storage refused the ${what}`, {
    details: describeIssues(result.error),
  });
}

/** `($1, $2, ...), ($n+1, ...)` for `rows` rows of `width` values. */
export function valuesList(rows: number, width: number): string {
  const groups: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(`$${r * width + c}`);
    groups.push(`(${cells.join(', ')})`);
  }
  return groups.join(', ');
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

class Conditions {
  readonly clauses: string[] = [];
  readonly params: (string | number)[] = [];
  constructor(private readonly placeholder: Placeholder) {}
  push(value: string | number): string {
    this.params.push(value);
    return this.placeholder(this.params.length);
  }
  where(): string {
    return this.clauses.length > 0 ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/** SELECT for `listEvents`; an empty `lineIds` list matches nothing, as asked. */
export function buildEventQuery(raw: EventQuery | undefined, placeholder: Placeholder): BuiltQuery {
  const query = parseQuery(eventQuerySchema, raw ?? {}, 'event query');
  const c = new Conditions(placeholder);
  if (query.lineIds !== undefined) {
    c.clauses.push(
      query.lineIds.length === 0 ? '1 = 0' : `line_id IN (${query.lineIds.map((id) => c.push(id)).join(', ')})`,
    );
  }
  if (query.ids !== undefined) c.clauses.push(query.ids.length === 0 ? '1 = 0' : `id IN (${query.ids.map((id) => c.push(id)).join(', ')})`);
  if (query.types !== undefined) c.clauses.push(query.types.length === 0 ? '1 = 0' : `type IN (${query.types.map((t) => c.push(t)).join(', ')})`);
  if (query.from !== undefined) c.clauses.push(`corrected_ts >= ${c.push(query.from)}`);
  if (query.to !== undefined) c.clauses.push(`corrected_ts < ${c.push(query.to)}`);
  if (query.afterSeq !== undefined) c.clauses.push(`storage_seq > ${c.push(query.afterSeq)}`);
  const order = query.orderBy === 'time' ? 'corrected_ts, storage_seq' : 'storage_seq';
  const limit = query.limit === undefined ? '' : ` LIMIT ${c.push(query.limit)}`;
  const columns = ['storage_seq', ...EVENT_COLUMNS].join(', ');
  return { sql: `SELECT ${columns} FROM events ${c.where()} ORDER BY ${order}${limit}`, params: c.params };
}

/** SELECT for `listHourlyBuckets`. */
export function buildBucketQuery(raw: BucketQuery, placeholder: Placeholder): BuiltQuery {
  const query = parseQuery(bucketQuerySchema, raw, 'bucket query');
  const c = new Conditions(placeholder);
  c.clauses.push(`bucket_start >= ${c.push(query.from)}`, `bucket_start < ${c.push(query.to)}`);
  if (query.lineIds !== undefined) {
    c.clauses.push(
      query.lineIds.length === 0 ? '1 = 0' : `line_id IN (${query.lineIds.map((id) => c.push(id)).join(', ')})`,
    );
  }
  return {
    sql: `SELECT ${BUCKET_COLUMNS.join(', ')} FROM hourly_buckets ${c.where()} ORDER BY line_id, bucket_start`,
    params: c.params,
  };
}

/** SELECT for `findDeadLetters`: newest first; the primary key serves both the order and the cursor. */
export function buildDeadLetterQuery(raw: DeadLetterQuery, placeholder: Placeholder): BuiltQuery {
  const query = parseQuery(deadLetterQuerySchema, raw, 'dead-letter query');
  const c = new Conditions(placeholder);
  if (query.codes !== undefined) c.clauses.push(`code IN (${query.codes.map((code) => c.push(code)).join(', ')})`);
  if (query.deviceId !== undefined) c.clauses.push(`device_id = ${c.push(query.deviceId)}`);
  if (query.from !== undefined) c.clauses.push(`received_at >= ${c.push(query.from)}`);
  if (query.to !== undefined) c.clauses.push(`received_at < ${c.push(query.to)}`);
  if (query.beforeId !== undefined) c.clauses.push(`id < ${c.push(query.beforeId)}`);
  return { sql: `SELECT * FROM dead_letters ${c.where()} ORDER BY id DESC LIMIT ${c.push(query.limit)}`, params: c.params };
}

/** `INSERT ... ON CONFLICT (key) DO UPDATE` for the buckets, one row of placeholders. */
export function bucketUpsertSql(rowPlaceholders: string): string {
  const updates = BUCKET_COLUMNS.slice(2)
    .map((name) => `${name} = excluded.${name}`)
    .join(', ');
  return `INSERT INTO hourly_buckets (${BUCKET_COLUMNS.join(', ')}) VALUES ${rowPlaceholders}
    ON CONFLICT (line_id, bucket_start) DO UPDATE SET ${updates}`;
}
