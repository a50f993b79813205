import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLeaderLease, type LeaderLease } from '../../../src/server/cluster/leader-lease.ts';
import { openPostgresStorage } from '../../../src/server/storage/postgres-storage.ts';
import { startTestPostgres, withPgClient, type TestPostgres } from '../../helpers/postgres.ts';
import { bucketRow } from '../storage/event-fixtures.ts';

describe('the leader lease in PostgreSQL (cluster/leader-lease.ts)', () => {
  let pg: TestPostgres;
  let url: string;
  beforeAll(async () => {
    pg = await startTestPostgres();
    url = await pg.createDatabase();
    const storage = openPostgresStorage(url, { max: 1 });
    await storage.migrate();
    await storage.close();
  }, 120_000);
  afterAll(async () => pg?.stop());

  const lease = (holder: string, events: string[]) =>
    startLeaderLease({ databaseUrl: url, name: 'group', holder, ttlMs: 1500, tryMs: 200, onElected: (e) => events.push(`${holder} elected ${e}`), onLost: (r) => events.push(`${holder} lost: ${r}`), log: () => {} });

  it('lets one instance lead at a time, hands over at once on a clean stop with a higher epoch, and after the TTL when the leader goes silent', async () => {
    const events: string[] = [];
    const a = await lease('a', events);
    const b = await lease('b', events);
    const c: LeaderLease[] = [];
    try {
      expect(a.isHeld()).toBe(true);
      expect(b.isHeld()).toBe(false);
      await new Promise((r) => setTimeout(r, 600));
      expect(b.epoch).toBeNull();
      const first = a.epoch!;
      const stoppedAt = performance.now();
      await a.stop();
      expect(a.isHeld()).toBe(false);
      await expect.poll(() => b.epoch, { timeout: 2000 }).toBe(first + 1);
      // Given up, not run out: the next one took over within a try or two.
      expect(performance.now() - stoppedAt).toBeLessThan(1000);

      // Someone else takes the row (the lease ran out while this one hung): it stops acting at once.
      await withPgClient(url, (db) => db.query("UPDATE leader_leases SET holder = 'z', epoch = epoch + 1"));
      await expect.poll(() => events.at(-1), { timeout: 2000 }).toMatch(/^b lost: another instance holds the lease/);
      expect(b.isHeld()).toBe(false);
      await b.stop(); // as the service does: a leader that lost its lease stops
      // 'z' never renews: its lease runs out on the database's clock, and a waiting instance takes it.
      const silentAt = performance.now();
      c.push(await lease('c', events));
      await expect.poll(() => c[0]!.epoch, { timeout: 4000 }).toBe(first + 3);
      expect(performance.now() - silentAt).toBeGreaterThan(1000);
    } finally {
      await b.stop();
      for (const l of c) await l.stop();
    }
  }, 30_000);

  it('stops a leader whose renewal hangs before its lease can run out, and never takes the lease again once lost', async () => {
    const events: string[] = [];
    const a = await lease('a', events);
    try {
      expect(a.isHeld()).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      // A renewal that never answers: the row is locked by another transaction.
      await withPgClient(url, async (db) => {
        await db.query('BEGIN');
        await db.query('LOCK TABLE leader_leases IN ACCESS EXCLUSIVE MODE');
        const lockedAt = performance.now();
        // It stops acting at its fence, before the lease could run out on the database's clock.
        await expect.poll(() => a.isHeld(), { timeout: 3000, interval: 20 }).toBe(false);
        expect(performance.now() - lockedAt).toBeLessThan(1500);
        // And the hung renewal gives up (its query times out within the TTL): the lease counts as lost.
        await expect.poll(() => events.at(-1), { timeout: 4000, interval: 20 }).toMatch(/^a lost: not renewed within 1500 ms/);
        await db.query('ROLLBACK');
      });
      // The row runs out and is free, yet the instance that lost it does not lead again: it is stopping.
      await new Promise((r) => setTimeout(r, 2500));
      expect(events.filter((e) => e.startsWith('a elected'))).toHaveLength(1);
      expect(a.epoch).toBeNull();
    } finally {
      await a.stop();
    }
  }, 30_000);

  it('keeps leading when a renewal answers late but under the same epoch (a loaded database or a blocked event loop), fenced meanwhile', async () => {
    const events: string[] = [];
    const a = await lease('a', events);
    try {
      const epoch = a.epoch;
      await new Promise((r) => setTimeout(r, 300));
      // The lease row is held by another transaction for 1.2 s: the renewal waits, then succeeds
      // (past the fence of 1 s after its send, within the query timeout of 1.5 s).
      await withPgClient(url, async (db) => {
        await db.query('BEGIN');
        await db.query("SELECT * FROM leader_leases WHERE name = 'group' FOR UPDATE");
        await new Promise((r) => setTimeout(r, 1200));
        expect(a.isHeld()).toBe(false);
        await db.query('COMMIT');
      });
      // Nobody took the lease: the renewal proves it, and it leads on under the same epoch.
      await expect.poll(() => a.isHeld(), { timeout: 3000, interval: 20 }).toBe(true);
      expect(a.epoch).toBe(epoch);
      expect(events.filter((e) => e.includes('lost'))).toEqual([]);
    } finally {
      await a.stop();
    }
  }, 30_000);

  it('refuses an old leader\'s bucket and mark writes once another instance took the lease, in the write\'s own transaction', async () => {
    const storage = openPostgresStorage(url, { max: 2 });
    const events: string[] = [];
    const a = await lease('fenced-a', events);
    let b: LeaderLease | null = null;
    try {
      const fence = { lease: 'group', epoch: a.epoch! };
      const hour = Date.UTC(2026, 11, 1, 8);
      const row = (good: number) => ({ ...bucketRow('line-f', hour), good });
      await storage.upsertHourlyBuckets([row(5)], fence);
      await storage.raiseMark('buckets', 10, fence);
      // 'a' hangs; its lease is taken by 'b' (as after the TTL on the database's clock).
      await withPgClient(url, (db) => db.query("UPDATE leader_leases SET expires_at = clock_timestamp() - interval '1 second' WHERE name = 'group'"));
      await a.stop();
      b = await lease('fenced-b', events);
      await expect.poll(() => b!.epoch, { timeout: 3000 }).toBe(fence.epoch + 1);
      await expect(storage.upsertHourlyBuckets([row(1)], fence)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/lease group is at epoch \d+, this instance led under/) });
      await expect(storage.raiseMark('buckets', 20, fence)).rejects.toMatchObject({ code: 'conflict' });
      expect((await storage.listHourlyBuckets({ lineIds: ['line-f'], from: hour, to: hour + 1 }))[0]?.good).toBe(5);
      expect(await storage.readMark('buckets')).toBe(10);
      // The new leader's writes land.
      await storage.upsertHourlyBuckets([row(7)], { lease: 'group', epoch: b.epoch! });
      expect((await storage.listHourlyBuckets({ lineIds: ['line-f'], from: hour, to: hour + 1 }))[0]?.good).toBe(7);
    } finally {
      await a.stop();
      await b?.stop();
      await storage.close();
    }
  }, 30_000);
});
