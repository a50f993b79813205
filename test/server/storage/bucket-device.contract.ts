import { expect, it } from 'vitest';
import { MAX_DEAD_LETTER_BYTES, type HourlyBucket } from '../../../src/server/storage/storage.ts';
import { HOUR, T0 } from './event-fixtures.ts';
import type { ContractContext } from './storage.contract.ts';

function bucket(lineId: string, start: number, scale = 1): HourlyBucket {
  return {
    noDataMs: 60_000 * scale,
    scheduledMs: 3_300_000 + 60_000 * scale,
    lineId,
    start,
    allTimeMs: HOUR,
    plannedMs: 3_300_000,
    plannedStopMs: 300_000,
    stopMs: 420_000 * scale,
    runMs: 3_300_000 - 420_000 * scale,
    idealMs: 2_500_000.5,
    good: 2_400 * scale,
    reject: 17,
    stopCount: 3,
    minorStopCount: 9,
    lossMs: {
      breakdown: 300_000,
      setup: 120_000,
      'minor-stop': 45_000,
      'reduced-speed': 90_000.25,
      'process-defect': 17_000,
      'reduced-yield': 0,
    },
    breakdownCount: 2 * scale,
    // Reason tallies survive the round trip, an unclassified (null) reason included.
    reasons:
      scale === 1
        ? null
        : [
            { reasonId: 'jam', loss: 'breakdown', durationMs: 300_000, count: 2 },
            { reasonId: null, loss: 'minor-stop', durationMs: 45_000.5, count: 9 },
          ],
  };
}

/** Dead letters, hourly buckets and devices; registered inside the migrated block of the contract. */
export function bucketContract(ctx: ContractContext): void {
  it('keeps dead letters newest first, cuts payloads to 64 KiB on a character boundary', async () => {
    const first = await ctx.storage.insertDeadLetter({
      receivedAt: T0,
      topic: 'floorboard/v1/plant/a/line-a/station/st-1/events',
      deviceId: 'tablet-1',
      code: 'bad-json',
      message: 'Unexpected token } in JSON at position 12',
      payload: '{"events": [}\u0000',
    });
    // 'é' is two bytes: with an odd budget the cut falls inside one and must back off.
    const huge = 'x' + 'é'.repeat(MAX_DEAD_LETTER_BYTES);
    const second = await ctx.storage.insertDeadLetter({
      receivedAt: T0 + 1,
      topic: 't',
      code: 'too-large',
      message: 'payload over 256 KiB',
      payload: huge,
    });
    expect(second.isTruncated).toBe(true);
    expect(second.payloadBytes).toBe(1 + 2 * MAX_DEAD_LETTER_BYTES);
    const list = await ctx.storage.listDeadLetters(10);
    expect(list.map((l) => l.id)).toEqual([second.id, first.id]);
    expect(list[0]).toEqual(second);
    expect(Buffer.byteLength(list[0]!.payload)).toBe(MAX_DEAD_LETTER_BYTES - 1);
    expect(list[0]!.payload.endsWith('é')).toBe(true);
    expect(list[1]).toMatchObject({ deviceId: 'tablet-1', code: 'bad-json', isTruncated: false });
    expect(list[1]!.payload).toBe('{"events": [}\uFFFD');
    expect(list[0]!.deviceId).toBeUndefined();
    expect(await ctx.storage.listDeadLetters(1)).toEqual([second]);
    await expect(ctx.storage.listDeadLetters(0)).rejects.toMatchObject({ code: 'invalid-arguments' });
  });

  it('upserts hourly buckets (a rewrite overwrites) and lists them by line and window', async () => {
    await ctx.storage.upsertHourlyBuckets([
      bucket('line-a', T0),
      bucket('line-a', T0 + HOUR),
      bucket('line-b', T0),
      bucket('line-a', T0 + 2 * HOUR),
    ]);
    await ctx.storage.upsertHourlyBuckets([bucket('line-a', T0 + HOUR, 2), bucket('line-a', T0 + HOUR, 3)]);
    const window = { from: T0, to: T0 + 2 * HOUR };
    expect(await ctx.storage.listHourlyBuckets({ ...window, lineIds: ['line-a'] })).toEqual([
      bucket('line-a', T0),
      bucket('line-a', T0 + HOUR, 3),
    ]);
    expect(await ctx.storage.listHourlyBuckets(window)).toEqual([
      bucket('line-a', T0),
      bucket('line-a', T0 + HOUR, 3),
      bucket('line-b', T0),
    ]);
    expect(await ctx.storage.listHourlyBuckets({ ...window, lineIds: [] })).toEqual([]);
    const bad = { ...bucket('line-a', T0), good: -1 };
    await expect(ctx.storage.upsertHourlyBuckets([bucket('line-c', T0), bad])).rejects.toMatchObject({
      code: 'invalid-arguments',
      details: ['buckets.1.good: Too small: expected number to be >=0'],
    });
    expect(await ctx.storage.listHourlyBuckets({ ...window, lineIds: ['line-c'] })).toEqual([]);
  });

  it('reads a bucket written without no-data figures (before schema version 5) as fully monitored', async () => {
    const { noDataMs: _n, scheduledMs: _s, ...old } = bucket('line-a', T0);
    await ctx.storage.upsertHourlyBuckets([old]);
    const [read] = await ctx.storage.listHourlyBuckets({ from: T0, to: T0 + HOUR });
    expect(read).toMatchObject({ noDataMs: 0, scheduledMs: old.plannedMs });
  });

  it('keeps a run log: runs in start order, alive time never moves back, a clean stop ends a run', async () => {
    expect(await ctx.storage.listRuns()).toEqual([]);
    const first = await ctx.storage.startRun(T0);
    await ctx.storage.touchRun(first, T0 + 10_000);
    await ctx.storage.touchRun(first, T0 + 5_000);
    // The first run crashed: it never ended. The second stopped cleanly, the third goes on.
    const second = await ctx.storage.startRun(T0 + HOUR);
    await ctx.storage.endRun(second, T0 + HOUR + 30_000);
    const third = await ctx.storage.startRun(T0 + 2 * HOUR);
    expect(new Set([first, second, third]).size).toBe(3);
    expect(await ctx.storage.listRuns()).toEqual([
      { id: first, startedAt: T0, aliveAt: T0 + 10_000, endedAt: null },
      { id: second, startedAt: T0 + HOUR, aliveAt: T0 + HOUR + 30_000, endedAt: T0 + HOUR + 30_000 },
      { id: third, startedAt: T0 + 2 * HOUR, aliveAt: T0 + 2 * HOUR, endedAt: null },
    ]);
    await expect(ctx.storage.touchRun(third, -1)).rejects.toMatchObject({ code: 'invalid-arguments' });
  });

  it('upserts devices: sequence and last-seen never go back, the newest observation sets the offset', async () => {
    expect(await ctx.storage.getDevice('tablet-1')).toBeNull();
    const base = { deviceId: 'tablet-1', lastSeq: 10, clockOffsetMs: 120, lastSeenAt: T0, isClockFlagged: false };
    expect(await ctx.storage.upsertDevice(base)).toEqual(base);
    const newer = { ...base, lastSeq: 25, clockOffsetMs: -90_000, lastSeenAt: T0 + 1000, isClockFlagged: true };
    expect(await ctx.storage.upsertDevice(newer)).toEqual(newer);
    // A late, stale report must not roll anything back.
    const stale = { ...base, lastSeq: 3, clockOffsetMs: 5, lastSeenAt: T0 + 500 };
    expect(await ctx.storage.upsertDevice(stale)).toEqual(newer);
    await ctx.storage.upsertDevice({ ...base, deviceId: 'gw-press-2', lastSeq: -1 });
    expect(await ctx.storage.getDevice('tablet-1')).toEqual(newer);
    expect((await ctx.storage.listDevices()).map((d) => d.deviceId)).toEqual(['gw-press-2', 'tablet-1']);
    await expect(ctx.storage.upsertDevice({ ...base, deviceId: 'Tablet 1' })).rejects.toMatchObject({
      code: 'invalid-arguments',
    });
  });
}
