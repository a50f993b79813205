import type pg from 'pg';
import { EVENT_COLUMNS, toRowValues } from './event-codec.ts';
import type { StoredEventInput } from './storage.ts';

/** PostgreSQL type of each events column, in EVENT_COLUMNS order: one array parameter per column. */
const COLUMN_TYPES = ['text', 'smallint', 'text', 'bigint', 'text', 'text', 'text', 'bigint', 'bigint', 'bigint', 'bigint', 'text', 'text', 'json'] as const;
const columns = EVENT_COLUMNS.join(', ');
const arrays = COLUMN_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
const ID = EVENT_COLUMNS.indexOf('id') + 1;
const CORRECTED_TS = EVENT_COLUMNS.indexOf('corrected_ts') + 1;
/**
 * One statement: the ids are claimed in `event_ids` (a conflict is a duplicate), and only the
 * claimed rows are written, in the batch's order (WITH ORDINALITY), so storage_seq follows ingest
 * order as before. One round trip whatever the batch's size.
 */
const INSERT_EVENTS_SQL = `WITH claimed AS (
    INSERT INTO event_ids (id, corrected_ts) SELECT * FROM unnest($${ID}::text[], $${CORRECTED_TS}::bigint[]) ON CONFLICT (id) DO NOTHING RETURNING id
  )
  INSERT INTO events (${columns})
  SELECT ${EVENT_COLUMNS.map((c) => `u.${c}`).join(', ')} FROM unnest(${arrays}) WITH ORDINALITY AS u(${columns}, ord)
  WHERE u.id IN (SELECT id FROM claimed) ORDER BY u.ord
  RETURNING id`;

/**
 * Stores the events of a batch not stored before, in one statement with one array per column
 * (issue 16): their ids are claimed in `event_ids` (a primary-key conflict is a duplicate:
 * exactly-once, ADR 0003) and the new ones written. Runs inside the caller's transaction, so an id
 * is claimed exactly when its event is stored. Returns the ids stored now.
 */
export async function insertEventRows(client: pg.PoolClient, records: readonly StoredEventInput[]): Promise<Set<string>> {
  const byColumn: unknown[][] = EVENT_COLUMNS.map(() => []);
  for (const record of records) toRowValues(record).forEach((value, i) => byColumn[i]!.push(value));
  const stored = await client.query<{ id: string }>(INSERT_EVENTS_SQL, byColumn);
  return new Set(stored.rows.map((r) => r.id));
}
