import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteSchema } from '../../../src/server/central/site-schema.ts';
import { migrations } from '../../../src/server/storage/migrations.ts';
import { openPostgresPool, openPostgresStorage, postgresSchemaStorage } from '../../../src/server/storage/postgres-storage.ts';
import type { Storage } from '../../../src/server/storage/storage.ts';
import { startTestPostgres, withPgClient, type TestPostgres } from '../../helpers/postgres.ts';
import { makeEvent, makeRecord } from './event-fixtures.ts';

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const ids = async (s: Storage) => (await s.listEvents({ limit: 1000 })).events.map((e) => e.event.id).sort();

/**
 * Issue 16, many sites: the centre keeps each site in a PostgreSQL schema of its own, so sites
 * share one database but never each other's rows, ids, sequences or partitions.
 */
describe('PostgreSQL stores in schemas of their own, in one database', () => {
  it("keeps each store's events, ids and month partitions apart from another's and from the database's default schema", async () => {
    // `options` in the URL (a setting of the operator's) cannot move a store out of its schema.
    const url = `${await server.createDatabase()}?options=${encodeURIComponent('-c statement_timeout=60000')}`;
    const pool = openPostgresPool(url, { max: 3 });
    const north = postgresSchemaStorage(pool, siteSchema('werk-nord'));
    const south = postgresSchemaStorage(pool, siteSchema('werk-sued'));
    const plain = openPostgresStorage(url, { max: 2 });
    try {
      for (const s of [north, south, plain]) expect(await s.migrate()).toEqual(migrations.map((m) => m.version));
      // The same event id at two sites (each site's devices make their own): each keeps its own.
      const shared = makeEvent(undefined, { ts: Date.UTC(2026, 11, 3, 8) });
      const onlyNorth = makeEvent(undefined, { ts: Date.UTC(2026, 11, 3, 9) });
      expect((await north.insertEvents([makeRecord(shared), makeRecord(onlyNorth)])).inserted).toHaveLength(2);
      expect((await south.insertEvents([makeRecord({ ...shared, author: 'op-south' })])).inserted).toEqual([shared.id]);
      expect(await ids(north)).toEqual([shared.id, onlyNorth.id].sort());
      expect(await ids(south)).toEqual([shared.id]);
      expect((await south.listEvents({ limit: 10 })).events[0]!.event.author).toBe('op-south');
      expect(await ids(plain)).toEqual([]);
      // Each store's sequence is its own: a reader catching up on one site skips nothing of it.
      expect((await south.listEvents({ limit: 10 })).events[0]!.storageSeq).toBe(1);

      // Partition upkeep makes this month's and next month's table inside the store's own schema.
      const made = await north.upkeep(Date.UTC(2026, 11, 3), undefined);
      expect(made.made).toEqual(['events_p202612', 'events_p202701']);
      const where = await withPgClient(url, async (c) =>
        (await c.query<{ schema: string; name: string }>("SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'events_p202612' ORDER BY 1")).rows,
      );
      expect(where).toEqual([{ schema: 'site_werk-nord', name: 'events_p202612' }]);
      expect(await ids(north)).toEqual([shared.id, onlyNorth.id].sort());

      // Opened again (a centre restart), a store finds its own rows and nothing to migrate.
      await north.close();
      const again = postgresSchemaStorage(pool, siteSchema('werk-nord'));
      try {
        expect(await again.migrate()).toEqual([]);
        expect(await ids(again)).toEqual([shared.id, onlyNorth.id].sort());
        expect((await again.insertEvents([makeRecord(shared)])).duplicates).toEqual([shared.id]);
      } finally {
        await again.close();
      }
    } finally {
      for (const s of [north, south, plain]) await s.close();
      await pool.end();
    }
  });

  it('keeps thirty sites on the few connections of one pool, each site in its own schema', async () => {
    const url = await server.createDatabase();
    const pool = openPostgresPool(url, { max: 3 });
    try {
      const sites = Array.from({ length: 30 }, (_, i) => `site-${i}`);
      const stores = sites.map((s) => postgresSchemaStorage(pool, siteSchema(s)));
      await Promise.all(stores.map((s) => s.migrate()));
      const events = stores.map(() => makeEvent());
      await Promise.all(stores.map((s, i) => s.insertEvents([makeRecord(events[i]!)])));
      for (const [i, s] of stores.entries()) expect(await ids(s)).toEqual([events[i]!.id]);
      const connections = await withPgClient(url, async (c) => Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'floorboard'")).rows[0]!.n));
      expect(connections).toBeLessThanOrEqual(3);
      const schemas = await withPgClient(url, async (c) => (await c.query<{ n: string }>("SELECT count(*) AS n FROM pg_namespace WHERE nspname LIKE 'site\\_%'")).rows[0]!.n);
      expect(Number(schemas)).toBe(30);
    } finally {
      await pool.end();
    }
  });

  it('names a site schema within PostgreSQL\'s 63 characters, one per site id even for the longest ids', () => {
    expect(siteSchema('werk-nord')).toBe('site_werk-nord');
    const a = 'a'.repeat(64);
    const b = `${'a'.repeat(63)}b`;
    expect(siteSchema(a).length).toBeLessThanOrEqual(63);
    expect(siteSchema(b).length).toBeLessThanOrEqual(63);
    expect(siteSchema(a)).not.toBe(siteSchema(b));
    // A 57-character id shaped like a long id's short form still has a schema of its own.
    const shortForm = siteSchema(a).slice('sitex_'.length);
    expect(siteSchema(shortForm)).toBe(`site_${shortForm}`);
    expect(siteSchema(shortForm)).not.toBe(siteSchema(a));
  });
});
