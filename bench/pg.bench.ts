// npm run bench:pg — issue 16's PostgreSQL production store: events/s committed through the
// storage adapter with the partitioned table and the two-statement array insert (migration 31,
// src/server/storage/pg-event-insert.ts), against the baseline of the same run: the schema before
// migration 31 written the way it was (a VALUES list per batch, ON CONFLICT (id) on the events
// table), and SQLite. Batches of 50 and of 500 events (a busy group commit, a device's largest
// batch), each one transaction; the two PostgreSQL schemas take turns, three rounds each.
// Events: BENCH_EVENTS (60000 per round). A throw-away PostgreSQL cluster of its own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ulid } from 'ulid';
import { eventSchema } from '../src/core/events.schema.ts';
import { EVENT_COLUMNS, toRowValues } from '../src/server/storage/event-codec.ts';
import { migrations, SCHEMA_MIGRATIONS_SQL } from '../src/server/storage/migrations.ts';
import { openPostgresStorage } from '../src/server/storage/postgres-storage.ts';
import { openSqliteStorage } from '../src/server/storage/sqlite-storage.ts';
import type { StoredEventInput } from '../src/server/storage/storage.ts';
import { startTestPostgres } from '../test/helpers/postgres.ts';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 60_000);
const t0 = Date.UTC(2026, 10, 20, 6);

function batches(size: number): StoredEventInput[][] {
  const out: StoredEventInput[][] = [];
  for (let b = 0; b * size < TOTAL; b++) {
    out.push(Array.from({ length: size }, (_, i) => {
      const seq = b * size + i;
      const event = eventSchema.parse({
        v: 1, id: ulid(), deviceId: `tab-${b % 8}`, seq, ts: t0 + seq * 100, author: 'op-1',
        lineId: `line-${b % 4}`, stationId: 'st-1', type: 'count', productId: 'p-100', good: 3, reject: i % 7 === 0 ? 1 : 0,
      });
      return { event, receivedAt: event.ts + 40, clockOffsetMs: 0, correctedTs: event.ts, topic: 'floorboard/v1/p/a/l/station/s/events' };
    }));
  }
  return out;
}

/** The insert as it was before migration 31: one VALUES list, ids unique on the events table itself. */
async function oldInsert(pool: pg.Pool, batch: readonly StoredEventInput[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(4660002)');
    const n = EVENT_COLUMNS.length;
    const values = batch.map((_, r) => `(${EVENT_COLUMNS.map((__, c) => `$${r * n + c + 1}`).join(', ')})`).join(', ');
    const result = await client.query(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES ${values} ON CONFLICT (id) DO NOTHING RETURNING id`, batch.flatMap(toRowValues));
    await client.query('COMMIT');
    return result.rowCount ?? 0;
  } finally {
    client.release();
  }
}

async function oldSchema(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(SCHEMA_MIGRATIONS_SQL.postgres);
  for (const m of migrations.filter((x) => x.version < 31)) await c.query(m.postgres);
  await c.end();
}

const rate = (events: number, ms: number) => Math.round(events / (ms / 1000));
const server = await startTestPostgres();
const dir = await mkdtemp(join(tmpdir(), 'fb-bench-pg-'));
try {
  console.log(`bench:pg — ${TOTAL} events per round, each batch one transaction`);
  for (const size of [50, 500]) {
    const old: number[] = [];
    const now: number[] = [];
    for (let round = 0; round < 3; round++) {
      const oldUrl = await server.createDatabase();
      await oldSchema(oldUrl);
      const pool = new pg.Pool({ connectionString: oldUrl, max: 2 });
      // Events are made before the clock starts: only the inserts are timed.
      const work = batches(size);
      let t = performance.now();
      for (const b of work) await oldInsert(pool, b);
      old.push(rate(TOTAL, performance.now() - t));
      await pool.end();

      const storage = openPostgresStorage(await server.createDatabase(), { max: 2 });
      await storage.migrate();
      await storage.upkeep(t0);
      const again = batches(size);
      t = performance.now();
      for (const b of again) await storage.insertEvents(b);
      now.push(rate(TOTAL, performance.now() - t));
      await storage.close();
    }
    const sqlite = openSqliteStorage(join(dir, `bench-${size}.db`));
    await sqlite.migrate();
    const work = batches(size);
    const t = performance.now();
    for (const b of work) await sqlite.insertEvents(b);
    const lite = rate(TOTAL, performance.now() - t);
    await sqlite.close();
    console.log(`batches of ${size}: PostgreSQL before ${old.join(' / ')} events/s; partitioned + arrays ${now.join(' / ')} events/s; SQLite ${lite} events/s`);
  }
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
