import { withoutNul } from './dead-letter-codec.ts';
import { parseQuery, type Placeholder } from './query-builders.ts';
import { andonDeliveryAttemptSchema, andonDeliveryQuerySchema, type AndonDeliveryAttempt, type AndonDeliveryQuery } from './storage.ts';

/** Andon delivery log rows (migration 9), the same SQL for both dialects but for placeholders. */
const COLUMNS = ['delivery_id', 'call_id', 'line_id', 'channel', 'target', 'change_kind', 'attempt', 'at', 'ms', 'outcome', 'status', 'error'] as const;

export function andonDeliveryInsertSql(p: Placeholder): string {
  return `INSERT INTO andon_deliveries (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => p(i + 1)).join(', ')})
    ON CONFLICT (delivery_id, attempt) DO NOTHING`;
}

/** Checks a try and gives its values in column order (text cleaned of NUL, which PostgreSQL refuses). */
export function andonDeliveryValues(raw: AndonDeliveryAttempt): unknown[] {
  const a = parseQuery(andonDeliveryAttemptSchema, raw, 'andon delivery attempt');
  return [a.deliveryId, a.callId, a.lineId, a.channel, withoutNul(a.target), a.change, a.attempt, a.at, a.ms, a.outcome, a.status, a.error === null ? null : withoutNul(a.error)];
}

/** The newest `limit` matching rows, returned oldest first; an empty line list reads nothing. */
export function andonDeliveryListSql(p: Placeholder, raw: AndonDeliveryQuery): { sql: string; params: unknown[] } {
  const q = parseQuery(andonDeliveryQuerySchema, raw, 'andon delivery query');
  const params: unknown[] = [];
  const push = (v: unknown) => (params.push(v), p(params.length));
  const where: string[] = [];
  if (q.callId !== undefined) where.push(`call_id = ${push(q.callId)}`);
  if (q.lineIds !== undefined) where.push(q.lineIds.length ? `line_id IN (${q.lineIds.map(push).join(', ')})` : '1 = 0');
  if (q.from !== undefined) where.push(`at >= ${push(q.from)}`);
  if (q.onlyDead) where.push(`delivery_id IN (SELECT delivery_id FROM andon_deliveries WHERE outcome = 'dead')`);
  const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
  return {
    sql: `SELECT * FROM (SELECT id, ${COLUMNS.join(', ')} FROM andon_deliveries ${cond} ORDER BY id DESC LIMIT ${push(q.limit)}) AS newest ORDER BY id`,
    params,
  };
}

export function fromAndonDeliveryRow(row: Record<string, unknown>): AndonDeliveryAttempt {
  return {
    deliveryId: String(row.delivery_id),
    callId: String(row.call_id),
    lineId: String(row.line_id),
    channel: row.channel as AndonDeliveryAttempt['channel'],
    target: String(row.target),
    change: String(row.change_kind),
    attempt: Number(row.attempt),
    at: Number(row.at),
    ms: Number(row.ms),
    outcome: row.outcome as AndonDeliveryAttempt['outcome'],
    status: row.status === null || row.status === undefined ? null : Number(row.status),
    error: row.error === null || row.error === undefined ? null : String(row.error),
  };
}
