import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FloorEvent } from '../../src/core/index.ts';
import { startBucketWriter, type BucketWriter } from '../../src/server/live/hourly-buckets.ts';
import { openStorage } from '../../src/server/storage/open-storage.ts';
import type { Storage, StoredEventInput } from '../../src/server/storage/storage.ts';
import { EventMaker, H, makePlant, MIN, MONDAY } from '../core/oee/fixtures.ts';

const record = (event: FloorEvent): StoredEventInput => ({ event, receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts, topic: `t/${event.lineId}` });

describe('hourly bucket writer', () => {
  const plant = makePlant();
  const now = MONDAY + 13 * H;
  let dir: string;
  let storage: Storage;
  let writer: BucketWriter | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fb-hourly-'));
    storage = openStorage(undefined, dir);
    await storage.migrate();
  });
  afterEach(async () => {
    writer?.stop();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function settle(w: BucketWriter): Promise<void> {
    for (let i = 0; i < 500 && w.staleFrom() < Number.POSITIVE_INFINITY; i++) {
      await w.flush();
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  const bucketAt = async (start: number) => (await storage.listHourlyBuckets({ lineIds: ['l1'], from: start, to: start + 1 })).at(0);

  it('counts a stop spanning two hours once, in its first hour, when a late event rewrites only the second', async () => {
    const m = new EventMaker();
    const stop = m.stop(MONDAY + 8 * H + 30 * MIN, MONDAY + 9 * H + 30 * MIN, { reasonId: 'jam' });
    await storage.insertEvents(stop.map(record));
    writer = startBucketWriter({ storage, plant, now: () => now, log: () => {}, flushMs: 3_600_000 });
    await settle(writer);
    expect((await bucketAt(MONDAY + 8 * H))?.stopCount).toBe(1);
    // A late count lands in 09:00-10:00: that hour alone is written again.
    const late = m.count(MONDAY + 9 * H + 45 * MIN, 10);
    await storage.insertEvents([record(late)]);
    writer.touch([record(late)]);
    await settle(writer);
    const nine = await bucketAt(MONDAY + 9 * H);
    expect(nine?.good).toBe(10);
    expect(nine?.stopMs).toBe(30 * MIN);
    expect(nine?.stopCount).toBe(0);
    expect(nine?.breakdownCount).toBe(0);
    expect(nine?.reasons).toEqual([{ reasonId: 'jam', loss: 'breakdown', durationMs: 30 * MIN, count: 0 }]);
    expect((await bucketAt(MONDAY + 8 * H))?.stopCount).toBe(1);
  });

  it('rewrites the hours a stop began in when a later event classifies it', async () => {
    const m = new EventMaker();
    const [start, end] = m.stop(MONDAY + 8 * H + 10 * MIN, MONDAY + 8 * H + 40 * MIN);
    await storage.insertEvents([record(start), record(end)]);
    writer = startBucketWriter({ storage, plant, now: () => now, log: () => {}, flushMs: 3_600_000 });
    await settle(writer);
    expect((await bucketAt(MONDAY + 8 * H))?.reasons).toEqual([{ reasonId: null, loss: 'breakdown', durationMs: 30 * MIN, count: 1 }]);
    const classify = m.ev(MONDAY + 11 * H, { type: 'stop.classify', stopId: start.id, reasonId: 'setup' });
    await storage.insertEvents([record(classify)]);
    writer.touch([record(classify)]);
    await settle(writer);
    const eight = await bucketAt(MONDAY + 8 * H);
    expect(eight?.reasons).toEqual([{ reasonId: 'setup', loss: 'setup', durationMs: 30 * MIN, count: 1 }]);
    expect(eight?.lossMs.setup).toBe(30 * MIN);
    expect(eight?.breakdownCount).toBe(0);
  });

  it('rewrites an earlier hour when a stop that looked minor there ends long after, and when a lead corrects its reason', async () => {
    const m = new EventMaker();
    let clock = MONDAY + 9 * H + 20_000;
    const [start, end] = m.stop(MONDAY + 8 * H + 59 * MIN + 30_000, MONDAY + 9 * H + 10 * MIN, { reasonId: 'jam' });
    await storage.insertEvents([record(start)]);
    writer = startBucketWriter({ storage, plant, now: () => clock, log: () => {}, flushMs: 3_600_000 });
    await settle(writer);
    // 50 s old when hour 8 was written: below the 120 s small-stop threshold.
    expect((await bucketAt(MONDAY + 8 * H))?.minorStopCount).toBe(1);
    clock = now;
    await storage.insertEvents([record(end)]);
    writer.touch([record(end)]);
    await settle(writer);
    expect(await bucketAt(MONDAY + 8 * H)).toMatchObject({ minorStopCount: 0, stopCount: 1, breakdownCount: 1, stopMs: 30_000 });
    const fix = m.ev(MONDAY + 12 * H, { type: 'correction', supersedes: start.id, reason: 'was a setup', replacement: { type: 'stop.start', stopId: start.id, reasonId: 'setup' } });
    await storage.insertEvents([record(fix)]);
    writer.touch([record(fix)]);
    await settle(writer);
    expect(await bucketAt(MONDAY + 8 * H)).toMatchObject({ stopCount: 1, breakdownCount: 0, reasons: [{ reasonId: 'setup', loss: 'setup', durationMs: 30_000, count: 1 }] });
  });
});
