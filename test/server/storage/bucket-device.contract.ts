import { expect, it } from 'vitest';
import { MAX_DEAD_LETTER_BYTES } from '../../../src/server/storage/storage.ts';
import { bucketRow as bucket, HOUR, makeEvent, makeRecord, T0 } from './event-fixtures.ts';
import type { ContractContext } from './storage.contract.ts';

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

  it('finds dead letters by code, device and receipt window, newest first, paged by id', async () => {
    const letter = (i: number, code: 'bad-json' | 'bad-shape' | 'not-allowed', deviceId?: string) =>
      ctx.storage.insertDeadLetter({ receivedAt: T0 + i * 1000, topic: 't', code, message: `m${i}`, payload: `p${i}`, ...(deviceId ? { deviceId } : {}) });
    const all = [];
    for (let i = 0; i < 6; i++) all.push(await letter(i, i % 2 ? 'bad-json' : 'bad-shape', i < 3 ? 'tab-1' : 'tab-2'));
    all.push(await letter(6, 'not-allowed'));
    const ids = (list: { id: number }[]) => list.map((l) => l.id);
    const newest = [...all].reverse();
    expect(ids(await ctx.storage.findDeadLetters({ limit: 100 }))).toEqual(ids(newest));
    expect(ids(await ctx.storage.findDeadLetters({ limit: 100, codes: ['bad-json'] }))).toEqual(ids(newest.filter((l) => l.code === 'bad-json')));
    expect(ids(await ctx.storage.findDeadLetters({ limit: 100, codes: ['bad-json', 'not-allowed'] }))).toEqual(ids(newest.filter((l) => l.code !== 'bad-shape')));
    expect(ids(await ctx.storage.findDeadLetters({ limit: 100, deviceId: 'tab-1' }))).toEqual(ids(newest.filter((l) => l.deviceId === 'tab-1')));
    // [from, to) on receipt time.
    expect(ids(await ctx.storage.findDeadLetters({ limit: 100, from: T0 + 2000, to: T0 + 5000 }))).toEqual(ids([all[4]!, all[3]!, all[2]!]));
    // Pages of 3 on a filter: every letter once, none skipped.
    const first = await ctx.storage.findDeadLetters({ limit: 3, codes: ['bad-json', 'bad-shape'] });
    const second = await ctx.storage.findDeadLetters({ limit: 3, codes: ['bad-json', 'bad-shape'], beforeId: first.at(-1)!.id });
    const third = await ctx.storage.findDeadLetters({ limit: 3, codes: ['bad-json', 'bad-shape'], beforeId: second.at(-1)!.id });
    expect(ids([...first, ...second])).toEqual(ids(newest.slice(1)));
    expect(third).toEqual([]);
    await expect(ctx.storage.findDeadLetters({ limit: 10_001 })).rejects.toMatchObject({ code: 'invalid-arguments' });
    await expect(ctx.storage.findDeadLetters({ limit: 1, codes: ['nope' as 'bad-json'] })).rejects.toMatchObject({ code: 'invalid-arguments' });
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
    // good may go below zero in an hour (scrap books earlier parts at its time); reject may not.
    const bad = { ...bucket('line-a', T0), reject: -1 };
    await expect(ctx.storage.upsertHourlyBuckets([bucket('line-c', T0), bad])).rejects.toMatchObject({
      code: 'invalid-arguments',
      details: ['buckets.1.reject: Too small: expected number to be >=0'],
    });
    expect(await ctx.storage.listHourlyBuckets({ ...window, lineIds: ['line-c'] })).toEqual([]);
  });

  it('keeps the buckets mark, which never moves back (a late write of an older flush cannot lower it)', async () => {
    expect(await ctx.storage.readMark('buckets')).toBeNull();
    await ctx.storage.raiseMark('buckets', 5);
    expect(await ctx.storage.readMark('buckets')).toBe(5);
    await ctx.storage.raiseMark('buckets', 3);
    expect(await ctx.storage.readMark('buckets')).toBe(5);
    await ctx.storage.raiseMark('buckets', 9);
    expect(await ctx.storage.readMark('buckets')).toBe(9);
  });

  it('says the earliest corrected time among the events stored after a sequence (where a follower\'s buckets may be stale)', async () => {
    expect(await ctx.storage.firstCorrectedTsAfter(0)).toBeNull();
    const late = makeRecord(makeEvent({ type: 'count', productId: 'p1', good: 1, reject: 0 }, { ts: T0 + 5 * HOUR }), 0);
    const early = makeRecord(makeEvent({ type: 'count', productId: 'p1', good: 1, reject: 0 }, { ts: T0 + HOUR }), 0);
    const later = makeRecord(makeEvent({ type: 'count', productId: 'p1', good: 1, reject: 0 }, { ts: T0 + 3 * HOUR }), 0);
    await ctx.storage.insertEvents([late]);
    const afterLate = await ctx.storage.lastStorageSeq();
    await ctx.storage.insertEvents([early]);
    await ctx.storage.insertEvents([later]);
    expect(await ctx.storage.firstCorrectedTsAfter(0)).toBe(T0 + HOUR);
    expect(await ctx.storage.firstCorrectedTsAfter(afterLate + 1)).toBe(T0 + 3 * HOUR);
    expect(await ctx.storage.firstCorrectedTsAfter(await ctx.storage.lastStorageSeq())).toBeNull();
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

  it('keeps the first claim of a device id: a later claim by someone else reads the first', async () => {
    expect(await ctx.storage.getDeviceClaim('tab-claimed')).toBeNull();
    const first = { deviceId: 'tab-claimed', userId: 'lead-a', claimedAt: T0 };
    expect(await ctx.storage.claimDevice(first)).toEqual(first);
    expect(await ctx.storage.claimDevice({ deviceId: 'tab-claimed', userId: 'op-b', claimedAt: T0 + 1 })).toEqual(first);
    expect(await ctx.storage.getDeviceClaim('tab-claimed')).toEqual(first);
    const both = await Promise.all([
      ctx.storage.claimDevice({ deviceId: 'tab-race', userId: 'u-1', claimedAt: T0 }),
      ctx.storage.claimDevice({ deviceId: 'tab-race', userId: 'u-2', claimedAt: T0 }),
    ]);
    expect(both[0]).toEqual(both[1]);
    await expect(ctx.storage.claimDevice({ deviceId: 'Tab 1', userId: 'u-1', claimedAt: T0 })).rejects.toMatchObject({ code: 'invalid-arguments' });
  });

  it('revokes a device: the revocation is kept with whose claim it ended, the claim is gone, a new claim is the next one', async () => {
    await ctx.storage.claimDevice({ deviceId: 'tab-rv', userId: 'lead-a', claimedAt: T0 });
    const r = await ctx.storage.revokeDevice({ deviceId: 'tab-rv', revokedAt: T0 + 10, revokedBy: 'admin', reason: 'lost' });
    expect(r).toMatchObject({ deviceId: 'tab-rv', revokedAt: T0 + 10, revokedBy: 'admin', claimedBy: 'lead-a', reason: 'lost' });
    expect(await ctx.storage.getDeviceClaim('tab-rv')).toBeNull();
    expect((await ctx.storage.listDeviceClaims()).map((c) => c.deviceId)).not.toContain('tab-rv');
    const fresh = { deviceId: 'tab-rv', userId: 'lead-b', claimedAt: T0 + 20 };
    expect(await ctx.storage.claimDevice(fresh)).toEqual(fresh);
    // A device never claimed can be revoked too; every revocation stays, oldest first.
    await ctx.storage.revokeDevice({ deviceId: 'tab-rv', revokedAt: T0 + 30, revokedBy: 'admin-2', reason: '' });
    const kept = (await ctx.storage.listDeviceRevocations()).filter((x) => x.deviceId === 'tab-rv');
    expect(kept.map((x) => [x.revokedBy, x.claimedBy])).toEqual([['admin', 'lead-a'], ['admin-2', 'lead-b']]);
    // Each is also an entry of the admins' action log, written in the same transaction.
    const logged = (await ctx.storage.listAdminActions(100)).filter((a) => a.kind === 'revoke-device').reverse();
    expect(logged.map((a) => [a.author, a.reason, JSON.parse(a.detail) as unknown])).toEqual([
      ['admin', 'lost', { deviceId: 'tab-rv', claimedBy: 'lead-a' }],
      ['admin-2', '', { deviceId: 'tab-rv', claimedBy: 'lead-b' }],
    ]);
    await expect(ctx.storage.revokeDevice({ deviceId: 'tab-rv', revokedAt: -1, revokedBy: 'admin', reason: '' })).rejects.toMatchObject({ code: 'invalid-arguments' });
  });

  it('finds the origin (author, device, line, station, type, corrected time) of stored events', async () => {
    const event = makeEvent(undefined, { author: 'op-origin', lineId: 'line-o', stationId: 'st-o' });
    await ctx.storage.insertEvents([makeRecord(event, 2_000)]);
    expect(await ctx.storage.findEventOrigins([event.id, '01ARZ3NDEKTSV4RRFFQ69G5FAV'])).toEqual([
      { id: event.id, type: 'count', author: 'op-origin', deviceId: event.deviceId, lineId: 'line-o', stationId: 'st-o', ts: event.ts, correctedTs: event.ts - 2_000 },
    ]);
    expect(await ctx.storage.findEventOrigins([])).toEqual([]);
  });
}
