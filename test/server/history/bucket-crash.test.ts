import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FloorboardError, type FloorEvent } from '../../../src/core/index.ts';
import { startBucketWriter, type BucketWriter } from '../../../src/server/history/bucket-writer.ts';
import { openStorage } from '../../../src/server/storage/open-storage.ts';
import { openPostgresStorage } from '../../../src/server/storage/postgres-storage.ts';
import type { Storage, StoredEventInput } from '../../../src/server/storage/storage.ts';
import { EventMaker, H, makePlant, MONDAY } from '../../core/oee/fixtures.ts';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.ts';

/** `storage` whose `method` fails (the database away) the next `times` calls; `fail(n)` sets that again. */
function failing(storage: Storage, method: keyof Storage, times: number) {
  let left = times;
  const wrapped = new Proxy(storage, {
    get(target, property, receiver) {
      if (property === method && left > 0)
        return async () => {
          left--;
          throw new FloorboardError('storage-failed', `storage: ${String(method)} failed: connection refused`);
        };
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { storage: wrapped, left: () => left, fail: (n: number) => (left = n) };
}

const record = (event: FloorEvent): StoredEventInput => ({ event, receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts, topic: `t/${event.lineId}` });
const DAY = 24 * H;

/** Issue 16: a late event committed just before the service (or a cluster leader) dies must still reach the buckets. */
describe.each(['sqlite', 'postgres'] as const)('hourly buckets across a crash and a failed write (%s)', (kind) => {
  const plant = makePlant();
  const now = MONDAY + 13 * H;
  /** Four days back: outside the 48 hours every writer writes again at start. */
  const lastWeek = now - 4 * DAY;
  let dir: string;
  let pg: TestPostgres | null = null;
  let storage: Storage;
  const writers: BucketWriter[] = [];

  beforeAll(async () => {
    if (kind === 'postgres') pg = await startTestPostgres();
  }, 120_000);
  afterAll(async () => pg?.stop());
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fb-bucket-crash-'));
    storage = pg ? openPostgresStorage(await pg.createDatabase(), { max: 2 }) : openStorage(undefined, dir);
    await storage.migrate();
  });
  afterEach(async () => {
    for (const w of writers.splice(0)) w.stop();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (s: Storage = storage) => {
    const w = startBucketWriter({ storage: s, plant, now: () => now, log: () => {}, flushMs: 3_600_000 });
    writers.push(w);
    return w;
  };
  async function settle(w: BucketWriter): Promise<void> {
    for (let i = 0; i < 500 && w.staleFrom() < Number.POSITIVE_INFINITY; i++) {
      await w.flush();
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  const goodAt = async (hour: number) => (await storage.listHourlyBuckets({ lineIds: ['l1'], from: hour, to: hour + 1 })).at(0)?.good;

  it('writes, after a restart, the hour of a week-old event committed just before the crash', async () => {
    const m = new EventMaker();
    const today = m.count(now - 2 * H, 3);
    await storage.insertEvents([record(today)]);
    const first = start();
    await settle(first);
    // A flush raises the mark to what the flush before it read: everything stored by then is written.
    const commit = async (e: FloorEvent) => {
      await storage.insertEvents([record(e)]);
      first.touch([record(e)]);
    };
    await commit(m.count(now - H, 1));
    await first.flush();
    const readThen = await storage.lastStorageSeq();
    await commit(m.count(now - H, 1));
    await first.flush();
    expect(await storage.readMark('buckets')).toBe(readThen);

    // A tablet that was offline for days sends last week's count; it is committed and touched,
    // and the process dies (kill -9) before the next minute's flush.
    const late = m.count(lastWeek + 10 * 60_000, 11);
    await storage.insertEvents([record(late)]);
    first.touch([record(late)]);
    first.stop();
    expect(await goodAt(lastWeek)).toBeUndefined();

    // The restarted writer reads the events stored after the mark: last week's hour is written.
    const second = start();
    await settle(second);
    expect(await goodAt(lastWeek)).toBe(11);
    expect(await goodAt(now - 2 * H)).toBe(3);
    expect(await goodAt(now - H)).toBe(2);
  });

  it('reads the events stored after the mark again at the next flush when the start could not, trusting no older hour meanwhile', async () => {
    const m = new EventMaker();
    const first = start();
    await settle(first);
    for (const e of [m.count(now - H, 1), m.count(now - H, 1)]) {
      await storage.insertEvents([record(e)]);
      first.touch([record(e)]);
      await first.flush();
    }
    const late = m.count(lastWeek, 13);
    await storage.insertEvents([record(late)]);
    first.touch([record(late)]);
    first.stop(); // the crash
    // The next start finds the database away for its first reads (the start's and the first flush's).
    const flaky = failing(storage, 'readMark', 2);
    const second = start(flaky.storage);
    await expect.poll(() => flaky.left()).toBe(0);
    expect(second.staleFrom()).toBe(Number.NEGATIVE_INFINITY);
    await settle(second);
    expect(await goodAt(lastWeek)).toBe(13);
  });

  it('keeps the hours of a write that failed (the database away for a moment) and writes them at the next flush', async () => {
    const flaky = failing(storage, 'upsertHourlyBuckets', 0);
    const w = start(flaky.storage);
    await settle(w);
    const m = new EventMaker();
    const late = m.count(lastWeek, 7);
    await storage.insertEvents([record(late)]);
    flaky.fail(1);
    w.touch([record(late)]);
    await w.flush();
    expect(flaky.left()).toBe(0);
    expect(await goodAt(lastWeek)).toBeUndefined();
    // Still stale until written: the history API reads raw events for it meanwhile.
    expect(w.staleFrom()).toBeLessThanOrEqual(lastWeek);
    await w.flush();
    expect(await goodAt(lastWeek)).toBe(7);
    expect(w.staleFrom()).toBe(Number.POSITIVE_INFINITY);
  });
});
