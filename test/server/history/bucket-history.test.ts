import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeOee, type FloorEvent, type OeeQuery, type Plant } from '../../../src/core/index.ts';
import { composesFromHours, eventsBetween, oeeFromBuckets } from '../../../src/server/history/bucket-history.ts';
import { LOOKBACK_MS } from '../../../src/server/history/hourly-buckets.ts';
import { startBucketWriter, type BucketWriter } from '../../../src/server/history/bucket-writer.ts';
import { storedBucketsStaleFrom } from '../../../src/server/history/stored-staleness.ts';
import { openStorage } from '../../../src/server/storage/open-storage.ts';
import type { Storage, StoredEventInput } from '../../../src/server/storage/storage.ts';
import { EventMaker, H, id, makePlant, MIN, MONDAY } from '../../core/oee/fixtures.ts';

const DAY = 24 * H;
const SHIFTS = [
  { id: 'early', name: 'Early', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '06:00', end: '14:00', breaks: [{ name: 'Lunch', start: '10:15', end: '10:45' }] },
  { id: 'late', name: 'Late', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '14:00', end: '22:00' },
] as const;

/** Five days on l1 and l2: stops across hour and shift edges, over the night, minor, planned, classified late, one open at the end. */
function fiveDays(start = MONDAY): FloorEvent[] {
  const m = new EventMaker();
  const out: FloorEvent[] = [];
  for (let d = 0; d < 5; d++) {
    const day = start + d * DAY;
    for (const lineId of ['l1', 'l2']) {
      const opts = { lineId };
      out.push(...m.stop(day + 5 * H + 30 * MIN, day + 6 * H + 20 * MIN, { ...opts, reasonId: 'jam' })); // open at shift start
      out.push(...m.stop(day + 7 * H + 50 * MIN, day + 8 * H + 20 * MIN, { ...opts, reasonId: 'jam' })); // across an hour edge
      out.push(...m.stop(day + 9 * H + 5 * MIN, day + 9 * H + 6 * MIN, { ...opts, reasonId: 'small' }));
      const [shortStart, shortEnd] = m.stop(day + 9 * H + 30 * MIN, day + 9 * H + 31 * MIN, opts); // minor by length
      out.push(shortStart, shortEnd);
      out.push(...m.stop(day + 10 * H + 5 * MIN, day + 10 * H + 40 * MIN, { ...opts, reasonId: 'maint' })); // planned, over the break
      out.push(...m.stop(day + 12 * H + 40 * MIN, day + 13 * H + 10 * MIN, { ...opts, reasonId: 'setup' }));
      const [open, close] = m.stop(day + 13 * H + 30 * MIN, day + 14 * H + 30 * MIN, opts); // across the shift change
      out.push(open, close, m.ev(day + 16 * H, { type: 'stop.classify', stopId: open.id, reasonId: 'jam' }, opts)); // classified later
      out.push(...m.stop(day + 21 * H + 30 * MIN, day + 30 * H + 30 * MIN, opts)); // overnight, into the next early shift
      for (let h = 6; h < 22; h++) out.push(m.count(day + h * H + 30 * MIN + d * 1000, h === 11 ? 4000 : 2000 + h * 50 + d, h % 3, h % 2 ? 'p1' : 'p2', lineId));
    }
  }
  // Still open at `now` on l1.
  out.push(m.ev(start + 4 * DAY + 10 * H + 10 * MIN, { type: 'stop.start', stopId: 'open-at-now' }, { lineId: 'l1' }));
  return out.sort((a, b) => a.ts - b.ts);
}

const record = (event: FloorEvent): StoredEventInput => ({ event, receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts, topic: `t/${event.lineId}` });

/** Flushes until nothing is marked (the writer's own start flush may be running). */
async function settle(w: BucketWriter): Promise<void> {
  for (let i = 0; i < 2000 && w.staleFrom() < Number.POSITIVE_INFINITY; i++) {
    await w.flush();
    await new Promise((r) => setTimeout(r, 1));
  }
  expect(w.staleFrom()).toBe(Number.POSITIVE_INFINITY);
}

/**
 * A temp SQLite storage holding `events`, and a bucket writer over it that has written every hour
 * from a day before `from` to `now`: each hour written on its own (`oneByOne`, as late events
 * rewrite them: a stop must still count once) or all in one run.
 */
function writtenBuckets(plant: Plant, events: readonly FloorEvent[], o: { from: number; now: number; oneByOne: boolean }) {
  const ctx = {} as { storage: Storage; writer: BucketWriter };
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fb-buckets-'));
    ctx.storage = openStorage(undefined, dir);
    await ctx.storage.migrate();
    await ctx.storage.insertEvents(events.map(record));
    ctx.writer = startBucketWriter({ storage: ctx.storage, plant, now: () => o.now, log: () => {}, flushMs: 3_600_000 });
    await settle(ctx.writer);
    const tick = { ...record(events[0]!), event: { ...events[0]!, type: 'count', productId: 'p1', good: 0, reject: 0, lineId: 'l1' } as FloorEvent };
    const hours: StoredEventInput[] = [];
    for (let h = o.from - DAY; h < o.now; h += H) hours.push({ ...tick, correctedTs: h });
    for (const batch of o.oneByOne ? hours.map((h) => [h]) : [hours]) {
      ctx.writer.touch(batch);
      await settle(ctx.writer);
    }
  }, 120_000);
  afterAll(async () => {
    ctx.writer.stop();
    await ctx.storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return ctx;
}

/** Every number within 1e-6 (far tighter than the hundredth asked), everything else equal. */
function expectSameNumbers(actual: unknown, expected: unknown, path = 'report'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(Math.abs((actual as number) - expected), `${path}: ${String(actual)} vs ${expected}`).toBeLessThanOrEqual(1e-6);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => expectSameNumbers((actual as unknown[])[i], e, `${path}.${i}`));
  } else if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expectSameNumbers((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else expect(actual, path).toEqual(expected);
}

describe('OEE history from hourly buckets', () => {
  const plant: Plant = makePlant({ shifts: SHIFTS as never });
  const events = fiveDays();
  const now = MONDAY + 4 * DAY + 10 * H + 20 * MIN;
  const buckets = writtenBuckets(plant, events, { from: MONDAY, now, oneByOne: true });

  /** What the raw path computes: the events from a day before `from` to a day after `to`. */
  async function raw(query: OeeQuery) {
    const lineIds = query.lineIds ?? ['l1', 'l2', 'l3'];
    return computeOee(plant, await eventsBetween(buckets.storage, lineIds, query.from - LOOKBACK_MS, query.to + LOOKBACK_MS), query);
  }

  const windows = [
    { name: 'whole hours up to now', from: MONDAY + DAY, to: MONDAY + 4 * DAY + 11 * H },
    { name: 'from inside an overnight stop, to mid-hour', from: MONDAY + DAY + 3 * H + 17 * MIN, to: MONDAY + 4 * DAY + 9 * H + 5 * MIN },
    { name: 'a closed past window', from: MONDAY + 2 * H, to: MONDAY + 3 * DAY },
  ];
  for (const w of windows) {
    for (const by of ['hour', 'day', 'window', 'shift'] as const) {
      it(`gives the raw-event report by ${by}, ${w.name}`, async () => {
        const query = { from: w.from, to: w.to, now, by, lineIds: ['l1', 'l2'] };
        const fromBuckets = await oeeFromBuckets({ storage: buckets.storage, bucketsStaleFrom: buckets.writer.staleFrom }, plant, query);
        expect(fromBuckets, 'answered from buckets').not.toBeNull();
        const expected = await raw(query);
        // The scenario books what the buckets must carry: reasons, breakdowns, minor stops.
        expect(expected.site.total.topReasons.length).toBeGreaterThanOrEqual(4);
        expect(expected.site.total.mtbfMs).not.toBeNull();
        expect(expected.site.total.minorStopCount).toBeGreaterThan(0);
        expectSameNumbers(fromBuckets, expected);
      });
    }
  }

  it('falls back to raw events for short windows, shifts off the hour, and hours never written', async () => {
    const { storage } = buckets;
    const deps = { storage, bucketsStaleFrom: buckets.writer.staleFrom };
    expect(await oeeFromBuckets(deps, plant, { from: MONDAY + DAY, to: MONDAY + 2 * DAY, now, by: 'window', lineIds: ['l1'] })).toBeNull();
    const halfHour = makePlant({ shifts: [{ id: 'early', name: 'Early', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '06:30', end: '14:30' }] });
    const long = { from: MONDAY + DAY, to: MONDAY + 4 * DAY, now, lineIds: ['l1'] };
    expect(composesFromHours(halfHour, { ...long, by: 'shift' })).toBe(false);
    expect(composesFromHours(halfHour, { ...long, by: 'day' })).toBe(true);
    expect(composesFromHours(plant, { ...long, by: 'shift' })).toBe(true);
    expect(await oeeFromBuckets(deps, halfHour, { ...long, by: 'shift' })).toBeNull();
    expect(await oeeFromBuckets(deps, plant, { ...long, by: 'day' })).not.toBeNull();
    // Hours before the buckets began: never answered from an incomplete set.
    expect(await oeeFromBuckets(deps, plant, { ...long, from: MONDAY - 3 * DAY, by: 'day' })).toBeNull();
    // Without a bucket writer (or before it started) nobody knows which hours are current.
    expect(await oeeFromBuckets({ storage }, plant, { ...long, by: 'day' })).toBeNull();
    expect(await oeeFromBuckets({ storage, bucketsStaleFrom: () => Number.NEGATIVE_INFINITY }, plant, { ...long, by: 'day' })).toBeNull();
    // A bucket from before schema version 4 has no reason tallies: not used.
    const [old] = await storage.listHourlyBuckets({ lineIds: ['l1'], from: MONDAY + 2 * DAY, to: MONDAY + 2 * DAY + 1 });
    await storage.upsertHourlyBuckets([{ ...old!, reasons: null }]);
    expect(await oeeFromBuckets(deps, plant, { ...long, by: 'day' })).toBeNull();
    await storage.upsertHourlyBuckets([old!]);
    expect(await oeeFromBuckets(deps, plant, { ...long, by: 'day' })).not.toBeNull();
  });

  it('answers a cluster follower (no writer of its own) from the buckets as far as storage says they are written, raw after that', async () => {
    const { storage } = buckets;
    const follower = { storage, bucketsStaleFrom: () => storedBucketsStaleFrom(storage) };
    const query = { from: MONDAY + DAY, to: MONDAY + 4 * DAY + 11 * H, now, by: 'day' as const, lineIds: ['l1', 'l2'] };
    expect(await storedBucketsStaleFrom(storage)).toBe(Number.POSITIVE_INFINITY);
    const before = await oeeFromBuckets(follower, plant, query);
    expect(before, 'answered from buckets').not.toBeNull();
    expectSameNumbers(before, await raw(query));
    // Another instance stores a late count the leader has not written yet (after the mark): the
    // follower takes the hours from a day before it from raw events, and counts it.
    const late = new EventMaker().ev(MONDAY + 2 * DAY + 9 * H, { type: 'count', productId: 'p1', good: 777, reject: 0 }, { id: id(99_999), deviceId: 'late-tablet' });
    await storage.insertEvents([record(late)]);
    expect(await storedBucketsStaleFrom(storage)).toBe(late.ts - LOOKBACK_MS);
    const after = await oeeFromBuckets(follower, plant, query);
    expect(after, 'still answered from buckets before that').not.toBeNull();
    const expected = await raw(query);
    expect(expected.site.total.good - before!.site.total.good).toBe(777);
    expectSameNumbers(after, expected);
  });
});

describe('OEE history from hourly buckets across a daylight-saving change', () => {
  // Europe/Berlin, Friday 2025-03-28 00:00 local: the clocks go forward on Sunday the 30th (a 23-hour day).
  const start = Date.UTC(2025, 2, 27, 23);
  const plant: Plant = makePlant({ timezone: 'Europe/Berlin', shifts: [{ id: 'day', name: 'Day', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '01:00', end: '23:00' }] });
  const events = fiveDays(start);
  const now = start + 4 * DAY + 12 * H;
  const buckets = writtenBuckets(plant, events, { from: start, now, oneByOne: false });

  for (const by of ['hour', 'day', 'window', 'shift'] as const) {
    it(`gives the raw-event report by ${by}`, async () => {
      const query = { from: start + 2 * H, to: start + 4 * DAY + 5 * H, now, by, lineIds: ['l1', 'l2'] };
      const fromBuckets = await oeeFromBuckets({ storage: buckets.storage, bucketsStaleFrom: buckets.writer.staleFrom }, plant, query);
      expect(fromBuckets, 'answered from buckets').not.toBeNull();
      const expected = computeOee(plant, await eventsBetween(buckets.storage, ['l1', 'l2'], query.from - LOOKBACK_MS, query.to + LOOKBACK_MS), query);
      if (by === 'day') expect(expected.lines[0]!.buckets.map((b) => (b.end - b.start) / H)).toContain(23);
      expectSameNumbers(fromBuckets, expected);
    });
  }
});
