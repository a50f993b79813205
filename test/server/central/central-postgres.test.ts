import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteSchema } from '../../../src/server/central/site-schema.ts';
import { SITE_A, SITE_B, startManySites, type ManySites } from '../../helpers/many-sites.ts';
import { startTestPostgres, withPgClient, type TestPostgres } from '../../helpers/postgres.ts';

/**
 * Issue 16, many sites, with the centre on PostgreSQL: two real site brokers and services bridged
 * to the central broker, and the central service keeping each site in a schema of its own.
 */
describe('the centre keeps every site in PostgreSQL', () => {
  let pgServer: TestPostgres;
  let url: string;
  let rig: ManySites;
  beforeAll(async () => {
    pgServer = await startTestPostgres();
    url = await pgServer.createDatabase();
    rig = await startManySites({ centreDatabaseUrl: url });
  }, 120_000);
  afterAll(async () => {
    await rig?.close();
    await pgServer?.stop();
  });

  /** Each site's event ids as the centre's database holds them, read with SQL from the site's schema (made at its first message). */
  const rowsOf = (site: string) =>
    withPgClient(url, async (c) => {
      const table = `${c.escapeIdentifier(siteSchema(site))}.events`;
      if ((await c.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [table])).rows[0]!.t === null) return [];
      return (await c.query<{ id: string }>(`SELECT id FROM ${table}`)).rows.map((r) => r.id);
    });
  async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it("stores each site's entries once in its own schema, across a restart of the centre while the sites go on", async () => {
    for (let i = 0; i < 10; i++) await rig.tick();
    await until('the first entries of both sites at the centre', async () => (await rowsOf(SITE_A)).length > 0 && (await rowsOf(SITE_B)).length > 0, 20_000);

    // The centre restarts while both sites keep producing: the central broker queues for its kept session.
    const restarting = rig.restartCentre();
    for (let i = 0; i < 20; i++) {
      await rig.tick();
      await new Promise((r) => setTimeout(r, 50));
    }
    await restarting;
    for (let i = 0; i < 10; i++) await rig.tick();

    for (const site of [SITE_A, SITE_B]) {
      const sent = rig.sent.get(site)!;
      await until(`every entry of ${site} at the centre`, async () => new Set(await rowsOf(site)).size >= sent.length, 30_000);
      const rows = await rowsOf(site);
      expect(rows.length, `${site}: no entry doubled`).toBe(new Set(rows).size);
      expect(new Set(rows)).toEqual(new Set(sent));
      // And the centre's own reading of the site is the same store.
      const listed = (await (await rig.centre.storageOf(site)).listEvents({ limit: 10_000 })).events.map((e) => e.event.id);
      expect(new Set(listed)).toEqual(new Set(sent));
    }
    // Nothing landed in the database's default schema: a site's rows are only in its own.
    const publicTables = await withPgClient(url, async (c) => (await c.query("SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'events'")).rowCount);
    expect(publicTables).toBe(0);
  }, 120_000);
});
