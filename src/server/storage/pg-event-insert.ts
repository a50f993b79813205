import type pg from 'pg';
import { EVENT_COLUMNS, toRowValues } from './event-codec.ts';
import type { StoredEventInput } from './storage.ts';

/** PostgreSQL type of each events column, in EVENT_COLUMNS order: one array parameter per column. */
const COLUMN_TYPES = ['text', 'smallint', 'text', 'bigint', 'text', 'text', 'text', 'bigint', 'bigint', 'bigint', 'bigint', 'text', 'text', 'json'] as const;
const columns = EVENT_COLUMNS.join(', ');
const arrays = COLUMN_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
/** Rows in the batch's order (WITH ORDINALITY), so storage_seq follows ingest order as before. */
const INSERT_EVENTS_SQL = `INSERT INTO events (${columns})
  SELECT ${EVENT_COLUMNS.map((c) => `u.${c}`).join(', ')} FROM unnest(${arrays}) WITH ORDINALITY AS u(${columns}, ord) ORDER BY u.ord`;
const CLAIM_IDS_SQL = 'INSERT INTO event_ids (id, corrected_ts) SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT (id) DO NOTHING RETURNING id';

/**
 * Stores the events of a batch not stored before, in two statements whatever its size (issue 16):
 * their ids are claimed in `event_ids` (a primary-key conflict is a duplicate: exactly-once, ADR
 * 0003), then the new ones are written with one array per column. Runs inside the caller's
 * transaction, so an id is claimed exactly when its event is stored. Returns the ids stored now.
 */
export async function insertEventRows(client: pg.PoolClient, records: readonly StoredEventInput[]): Promise<Set<string>> {
  const claimed = await client.query<{ id: string }>(CLAIM_IDS_SQL, [records.map((r) => r.event.id), records.map((r) => r.correctedTs)]);
  const fresh = new Set(claimed.rows.map((r) => r.id));
  if (fresh.size === 0) return fresh;
  const byColumn: unknown[][] = EVENT_COLUMNS.map(() => []);
  for (const record of records) {
    if (!fresh.has(record.event.id)) continue;
    toRowValues(record).forEach((value, i) => byColumn[i]!.push(value));
  }
  await client.query(INSERT_EVENTS_SQL, byColumn);
  return fresh;
}
