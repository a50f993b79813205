import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FloorEvent } from '../../../src/core/index.ts';
import { hourlyBuckets, LOOKBACK_MS } from '../../../src/server/history/hourly-buckets.ts';
import { startBucketWriter, type BucketWriter } from '../../../src/server/history/bucket-writer.ts';
import { openStorage } from '../../../src/server/storage/open-storage.ts';
import type { Storage, StoredEventInput } from '../../../src/server/storage/storage.ts';
import { EventMaker, H, id, makePlant, MIN, MONDAY } from '../../core/oee/fixtures.ts';
import { counting } from '../support/counted-storage.ts';

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

  it('writes again the hours after a line\'s first event when older history arrives later (they become monitored, planned time)', async () => {
    const m = new EventMaker();
    // The line has no event yet: its first event (and so its monitoring) comes from an import at 09:30.
    let firsts = new Map<string, number>();
    const monitoring = async () => ({ firstEventAt: firsts });
    const fromFirstEvent = makePlant({ monitoredFrom: null });
    writer = startBucketWriter({ storage, plant: fromFirstEvent, now: () => now, log: () => {}, flushMs: 3_600_000, monitoring });
    await settle(writer);
    expect((await bucketAt(MONDAY + 11 * H))?.plannedMs ?? 0).toBe(0);
    const imported = m.count(MONDAY + 9 * H + 30 * MIN, 5);
    await storage.insertEvents([record(imported)]);
    firsts = new Map([['l1', imported.ts]]);
    writer.touch([record(imported)]);
    await settle(writer);
    // 11:00-12:00 holds no event, yet it is planned now that the line was watched from 09:30.
    expect((await bucketAt(MONDAY + 11 * H))?.plannedMs).toBeGreaterThan(0);
    expect((await bucketAt(MONDAY + 10 * H))?.plannedMs).toBeGreaterThan(0);
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

  it('writes every hour of a stop begun days before the hours it writes, and all of them again when the stop gets its reason', async () => {
    const m = new EventMaker();
    let clock = now;
    // Open since Thursday 08:00: before the start of the engine run of any hour the writer fills at start.
    const start = m.ev(MONDAY - 4 * 24 * H + 8 * H, { type: 'stop.start', stopId: id(77_000_000) }, { id: id(77_000_000) });
    await storage.insertEvents([record(start)]);
    writer = startBucketWriter({ storage, plant, now: () => clock, log: () => {}, flushMs: 3_600_000 });
    await settle(writer);
    const saturday = MONDAY - 2 * 24 * H + 13 * H;
    for (const hour of [saturday, MONDAY - 24 * H + 9 * H, MONDAY + 6 * H]) {
      expect(await bucketAt(hour)).toMatchObject({ stopMs: H, stopCount: 0, reasons: [{ reasonId: null, loss: 'breakdown', durationMs: H, count: 0 }] });
    }
    // Its reason, given on Monday: every hour of it is written again, however long ago it began.
    clock = now + 5 * MIN;
    const classify = m.ev(clock, { type: 'stop.classify', stopId: start.id, reasonId: 'setup' });
    await storage.insertEvents([record(classify)]);
    writer.touch([record(classify)]);
    await settle(writer);
    for (const hour of [saturday, MONDAY - 24 * H + 9 * H, MONDAY + 6 * H]) {
      expect(await bucketAt(hour)).toMatchObject({ stopMs: H, reasons: [{ reasonId: 'setup', loss: 'setup', durationMs: H, count: 0 }] });
    }
    expect(await bucketAt(MONDAY - 4 * 24 * H + 8 * H)).toMatchObject({ stopCount: 1, reasons: [{ reasonId: 'setup', loss: 'setup', durationMs: H, count: 1 }] });
  });

  it('writes again every hour after a stop that arrives late, up to the current one, not only its own', async () => {
    const m = new EventMaker();
    writer = startBucketWriter({ storage, plant, now: () => now, log: () => {}, flushMs: 3_600_000 });
    await settle(writer);
    expect((await bucketAt(MONDAY + 9 * H))?.stopMs).toBe(0);
    // Sunday 07:00, stored only now (a tablet that was away): the line has stood since.
    const late = record(m.ev(MONDAY - 17 * H, { type: 'stop.start', stopId: id(88_000_000) }, { id: id(88_000_000) }));
    await storage.insertEvents([late]);
    writer.touch([late]);
    await settle(writer);
    for (const hour of [MONDAY - 17 * H, MONDAY - 24 * H + 12 * H, MONDAY + 6 * H, MONDAY + 9 * H]) expect((await bucketAt(hour))?.stopMs).toBe(H);
  });

  it('writes from the events it holds in memory exactly the buckets the stored events give, minute by minute', async () => {
    const m = new EventMaker();
    const lines = ['l1', 'l2', 'l3'];
    // A day and a half already stored, with stops and a changeover on every line.
    const t0 = MONDAY + 12 * H;
    const old: FloorEvent[] = [];
    for (let ts = t0 - 36 * H; ts < t0; ts += 5 * MIN) for (const l of lines) old.push(m.count(ts, 4, ts % 7 === 0 ? 1 : 0, 'p1', l));
    for (const l of lines) old.push(...m.stop(t0 - 3 * H - 7 * MIN, t0 - 2 * H - 50 * MIN, { lineId: l, reasonId: 'jam' }));
    old.push(m.ev(t0 - 5 * H, { type: 'changeover.start', toProductId: 'p2' }, { lineId: 'l2' }), m.ev(t0 - 5 * H + 10 * MIN, { type: 'changeover.end', productId: 'p2' }, { lineId: 'l2' }));
    await storage.insertEvents(old.map(record));
    let clock = t0 + 30_000;
    writer = startBucketWriter({ storage, plant, now: () => clock, log: () => {}, flushMs: 3_600_000 });
    await settle(writer);

    /** The buckets of `hour` as the engine gives them over the stored events (the writer's old read). */
    const fromStorage = async (hour: number) => {
      const page = await storage.listEvents({ from: hour - LOOKBACK_MS, to: hour + H + LOOKBACK_MS, orderBy: 'time' });
      const events = page.events.map((r) => ({ ...r.event, ts: r.correctedTs }));
      return hourlyBuckets(plant, events, { upsertFrom: hour, to: hour + H, now: clock });
    };
    const stored = async (hour: number) => storage.listHourlyBuckets({ lineIds: lines, from: hour, to: hour + 1 });
    const commit = async (records: StoredEventInput[]) => {
      await storage.insertEvents(records);
      writer!.touch(records);
    };

    // 90 minutes across the 13:00 boundary: counts, a stop on l2 open over the hour, a count that
    // arrives 3 minutes late, a tablet clock 20 s behind, a correction on l3 of a count of l1, a
    // batch with the same event twice, and a late count from before the events held in memory.
    let corrected: FloorEvent | null = null;
    let stopX: FloorEvent | null = null;
    for (let minute = 1; minute <= 90; minute++) {
      clock = t0 + minute * MIN;
      const batch: StoredEventInput[] = lines.map((l) => record(m.count(clock - 10_000, 3, minute % 11 === 0 ? 1 : 0, 'p1', l)));
      if (minute === 20) batch.push(record((stopX = m.ev(clock - 5_000, { type: 'stop.start', stopId: id(99_000_000) }, { lineId: 'l2', id: id(99_000_000) }))));
      if (minute === 75) batch.push(record(m.ev(clock - 5_000, { type: 'stop.end', stopId: id(99_000_000) }, { lineId: 'l2' })));
      if (minute === 30) batch.push(record(m.count(clock - 3 * MIN, 9, 0, 'p1', 'l1')));
      if (minute === 40) {
        const skewed = m.count(clock - 20_000, 5, 0, 'p1', 'l3');
        batch.push({ ...record(skewed), clockOffsetMs: 20_000, correctedTs: skewed.ts + 20_000 });
      }
      if (minute === 50) {
        corrected = batch[0]!.event;
        const fix = m.ev(clock - 1_000, { type: 'correction', supersedes: corrected.id, reason: 'miscounted', replacement: { type: 'count', productId: 'p1', good: 1, reject: 2 } }, { lineId: 'l3' });
        batch.push(record(fix));
      }
      if (minute === 60) batch.push({ ...batch[1]!, correctedTs: batch[1]!.correctedTs - 5 * MIN });
      if (minute === 70) batch.push(record(m.count(t0 - 30 * H, 50, 0, 'p1', 'l1')));
      await commit(batch);
      await settle(writer);
      const hour = t0 + Math.floor(minute / 60) * H;
      expect({ minute, rows: await stored(hour) }).toEqual({ minute, rows: await fromStorage(hour) });
    }
    expect([corrected, stopX]).not.toContain(null);
    // The stop that ended at 13:15 was rewritten into 12:00, and the late count into its hour.
    for (const hour of [t0 - 30 * H, t0, t0 + H]) expect(await stored(hour)).toEqual(await fromStorage(hour));
    expect((await stored(t0 - 30 * H)).find((b) => b.lineId === 'l1')?.good).toBe(4 * 12 + 50);
  });

  it('writes the current hour without reading storage, letting other work run between lines', async () => {
    const m = new EventMaker();
    const t0 = MONDAY + 12 * H;
    await storage.insertEvents(['l1', 'l2', 'l3'].flatMap((l) => [m.count(t0 - 2 * H, 5, 0, 'p1', l), m.count(t0 - 20 * MIN, 5, 0, 'p1', l)]).map(record));
    const reads = counting(storage, 'listEvents');
    writer = startBucketWriter({ storage: reads.storage, plant, now: () => t0 + 10 * MIN, log: () => {}, flushMs: 3_600_000 });
    await settle(writer);
    reads.reset();
    const batch = ['l1', 'l2', 'l3'].map((l) => record(m.count(t0 + 9 * MIN, 7, 0, 'p1', l)));
    await storage.insertEvents(batch);
    writer.touch(batch);
    // An ingest callback queued as the flush starts runs before the flush is done, not after it.
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    await writer.flush().then(() => order.push('flush done'));
    expect(reads.calls()).toBe(0);
    expect(order).toEqual(['other work', 'flush done']);
    expect((await storage.listHourlyBuckets({ lineIds: ['l3'], from: t0, to: t0 + 1 }))[0]?.good).toBe(7);
  });
});
