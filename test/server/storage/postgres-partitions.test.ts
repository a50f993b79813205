import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloorboardError } from '../../../src/core/errors.ts';
import { parseConfig } from '../../../src/server/config.ts';
import { EVENT_COLUMNS, toRowValues } from '../../../src/server/storage/event-codec.ts';
import { migrations, SCHEMA_MIGRATIONS_SQL } from '../../../src/server/storage/migrations.ts';
import { monthStart } from '../../../src/server/storage/pg-partitions.ts';
import { openPostgresStorage } from '../../../src/server/storage/postgres-storage.ts';
import type { StoredEventInput } from '../../../src/server/storage/storage.ts';
import { eventFixture } from '../../helpers/event-fixture.ts';
import { startTestPostgres, withPgClient, type TestPostgres } from '../../helpers/postgres.ts';

const DAY = 86_400_000;
const SEP = Date.UTC(2026, 8, 15);
const OCT = Date.UTC(2026, 9, 15);
const NOV = Date.UTC(2026, 10, 15);

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const tablet = eventFixture({ deviceId: 'tab-1', author: 'op-1', lineId: 'line-a', stationId: 'a1' });
const record = (ts: number): StoredEventInput => {
  const event = tablet.at(ts, { type: 'count', productId: 'widget', good: 1, reject: 0 });
  return { event, topic: 't', receivedAt: ts, clockOffsetMs: 0, correctedTs: ts };
};

const partitions = (url: string) =>
  withPgClient(url, async (c) => (await c.query<{ name: string }>("SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass ORDER BY 1")).rows.map((r) => r.name));

describe('PostgreSQL as the production store: events by month (issue 16)', () => {
  it('migrates a database of today\'s schema holding events: every row kept in its order and month, ids still unique, ingest and history go on', async () => {
    const url = await server.createDatabase();
    // The schema as it was before migration 31, with events of three months written the old way.
    const old = [record(SEP), record(SEP + DAY), record(OCT), record(NOV), record(NOV + 3 * DAY)];
    await withPgClient(url, async (c) => {
      await c.query(SCHEMA_MIGRATIONS_SQL.postgres);
      for (const m of migrations.filter((x) => x.version < 31)) {
        await c.query(m.postgres);
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
      }
      for (const r of old) await c.query(`INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, toRowValues(r));
    });
    const storage = openPostgresStorage(url, { max: 2 });
    try {
      const before = (await storage.listEvents()).events;
      // Every migration since that schema: the partitions (31), then the ones after them.
      expect(await storage.migrate()).toEqual(migrations.filter((m) => m.version >= 31).map((m) => m.version));
      const after = (await storage.listEvents()).events;
      expect(after).toEqual(before);
      expect(after.map((e) => e.event.id)).toEqual(old.map((r) => r.event.id));
      expect(await partitions(url)).toEqual(['events_default', 'events_p202609', 'events_p202610', 'events_p202611']);
      await withPgClient(url, async (c) => expect(Number((await c.query('SELECT count(*) FROM events_default')).rows[0].count)).toBe(0));

      // A resend of a migrated event is a duplicate; a new one is stored after the last storage_seq.
      const fresh = record(NOV + 4 * DAY);
      expect(await storage.insertEvents([old[2]!, fresh])).toEqual({ inserted: [fresh.event.id], duplicates: [old[2]!.event.id] });
      const all = (await storage.listEvents()).events;
      expect(all.at(-1)!.event.id).toBe(fresh.event.id);
      expect(all.at(-1)!.storageSeq).toBeGreaterThan(after.at(-1)!.storageSeq);
      // The history API's window by line and time reads the months it covers.
      const october = (await storage.listEvents({ lineIds: ['line-a'], from: Date.UTC(2026, 9, 1), to: Date.UTC(2026, 10, 1), orderBy: 'time' })).events;
      expect(october.map((e) => e.event.id)).toEqual([old[2]!.event.id]);
      // A second run of the migrations changes nothing.
      expect(await storage.migrate()).toEqual([]);
    } finally {
      await storage.close();
    }
  });

  it('makes this month\'s and next month\'s partitions; an event of a month nobody made yet is kept and moved into its month when it is made', async () => {
    const url = await server.createDatabase();
    const storage = openPostgresStorage(url, { max: 2 });
    try {
      await storage.migrate();
      expect(await storage.upkeep(OCT)).toEqual({ made: ['events_p202610', 'events_p202611'], dropped: [] });
      expect(await storage.upkeep(OCT)).toEqual({ made: [], dropped: [] });
      // A device whose clock ran a year ahead: the event is stored (DEFAULT partition), not refused.
      const far = record(Date.UTC(2027, 9, 3));
      expect((await storage.insertEvents([far])).inserted).toEqual([far.event.id]);
      await storage.upkeep(Date.UTC(2027, 9, 1));
      expect(await partitions(url)).toContain('events_p202710');
      await withPgClient(url, async (c) => {
        expect(Number((await c.query('SELECT count(*) FROM events_default')).rows[0].count)).toBe(0);
        expect(Number((await c.query('SELECT count(*) FROM events_p202710')).rows[0].count)).toBe(1);
      });
      expect((await storage.listEvents()).events.map((e) => e.event.id)).toEqual([far.event.id]);
      expect((await storage.insertEvents([far])).duplicates).toEqual([far.event.id]);
    } finally {
      await storage.close();
    }
  });

  it('drops whole months past the retention, with their ids, and keeps the rest', async () => {
    const url = await server.createDatabase();
    const storage = openPostgresStorage(url, { max: 2 });
    try {
      await storage.migrate();
      const [sep, oct, nov] = [record(SEP), record(OCT), record(NOV)];
      for (const ms of [SEP, OCT, NOV]) await storage.upkeep(ms);
      await storage.insertEvents([sep, oct, nov]);
      // In December with 2 months kept: October and November stay, September goes.
      const result = await storage.upkeep(Date.UTC(2026, 11, 5), 2);
      expect(result.dropped).toEqual(['events_p202609']);
      expect((await storage.listEvents()).events.map((e) => e.event.id)).toEqual([oct.event.id, nov.event.id]);
      await withPgClient(url, async (c) => expect((await c.query('SELECT id FROM event_ids ORDER BY id')).rows.map((r) => r.id)).toEqual([oct.event.id, nov.event.id].sort()));
      expect(monthStart(Date.UTC(2026, 11, 5), -2)).toBe(Date.UTC(2026, 9, 1));
    } finally {
      await storage.close();
    }
  });

  it('refuses a retention without PostgreSQL, saying why', () => {
    const problems = (env: Record<string, string>) => {
      try {
        parseConfig(env, []);
        return [];
      } catch (error) {
        return (error as FloorboardError).details;
      }
    };
    expect(problems({ EVENT_RETENTION_MONTHS: '24' })).toEqual([expect.stringMatching(/^EVENT_RETENTION_MONTHS: drops monthly partitions of PostgreSQL; set DATABASE_URL too/)]);
    expect(parseConfig({ EVENT_RETENTION_MONTHS: '24', DATABASE_URL: 'postgres://x@127.0.0.1/y' }, []).eventRetentionMonths).toBe(24);
    expect(problems({ EVENT_RETENTION_MONTHS: 'two', DATABASE_URL: 'postgres://x@127.0.0.1/y' })).toEqual([expect.stringMatching(/^EVENT_RETENTION_MONTHS: must be a number of months/)]);
  });
});
