import type pg from 'pg';
import type { UpkeepResult } from './storage.ts';

const PARTITION = /^events_p(\d{4})(\d{2})$/;

/** The first instant (ms, UTC) of the month `monthsLater` after the one holding `ms`. */
export function monthStart(ms: number, monthsLater = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + monthsLater, 1);
}

/** Where upkeep's own reads run: the pool, or a store's transaction in its schema. */
type Queryable = { query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>> };

/**
 * The service's partition upkeep (pg_partman is not needed; migration 31): the partitions of this
 * month and the next exist before their first event, and with `retentionMonths`, every month that
 * ended more than that many months before this one's start is dropped with its ids. Safe to run
 * from several services at once: making a month takes a lock in the database, and a month dropped
 * by another is simply gone.
 */
export async function upkeepEventPartitions(
  pool: Queryable,
  transaction: <T>(operation: string, work: (client: pg.PoolClient) => Promise<T>) => Promise<T>,
  now: number,
  retentionMonths?: number,
): Promise<UpkeepResult> {
  const before = new Set(await partitionNames(pool));
  for (const ms of [monthStart(now), monthStart(now, 1)]) await pool.query('SELECT floorboard_event_month($1)', [ms]);
  const after = await partitionNames(pool);
  const made = after.filter((n) => !before.has(n));
  const dropped: string[] = [];
  if (retentionMonths === undefined) return { made, dropped };
  const cutoff = monthStart(now, -retentionMonths);
  for (const name of after) {
    const m = PARTITION.exec(name);
    if (!m) continue;
    const lo = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
    const hi = monthStart(lo, 1);
    if (hi > cutoff) continue;
    await transaction('drop a month of events', async (client) => {
      // The ids go with their events: the month is gone, and ingest refuses events that old.
      await client.query('DELETE FROM event_ids WHERE corrected_ts >= $1 AND corrected_ts < $2', [lo, hi]);
      await client.query(`DROP TABLE IF EXISTS ${client.escapeIdentifier(name)}`);
    });
    dropped.push(name);
  }
  return { made, dropped };
}

async function partitionNames(pool: Queryable): Promise<string[]> {
  const rows = await pool.query<{ name: string }>("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass ORDER BY 1");
  return rows.rows.map((r) => r.name);
}
