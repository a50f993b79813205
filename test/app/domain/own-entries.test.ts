import { describe, expect, it } from 'vitest';
import { clockText, ownEntries, recentOwnEntries, splitPoint } from '../../../src/app/domain/own-entries.ts';
import { lastGoodCount, minusOne } from '../../../src/app/domain/minus-one.ts';
import { waitingGoodOf } from '../../../src/app/domain/shift-progress.ts';
import { eventSchema, type FloorEvent } from '../../../src/core/events.schema.ts';

const shiftStart = 1_800_000_000_000;
let n = 0;
const ev = (over: Record<string, unknown>): FloorEvent =>
  ({ v: 1, id: `01J${String(n++).padStart(23, '0')}`, deviceId: 't1', seq: n, ts: shiftStart + n * 1000, author: 'op-a', lineId: 'line-a', stationId: 'a1', ...over }) as FloorEvent;
const count = (good: number, over: Record<string, unknown> = {}) => ev({ type: 'count', productId: 'widget', good, reject: 0, ...over });

describe("an operator's own entries of the shift", () => {
  it('lists only their counts, stops and notes at this station in this shift, newest first, with what was undone', () => {
    const mine = count(5);
    const stop = ev({ type: 'stop.start', stopId: 'S1' });
    const end = ev({ type: 'stop.end', stopId: 'S1' });
    const note = ev({ type: 'note', text: 'door sticks' });
    const undo = ev({ type: 'void', voids: note.id, reason: 'mistake' });
    const others = [count(1, { author: 'op-b' }), count(1, { stationId: 'a2' }), count(1, { ts: shiftStart - 1 })];
    const list = ownEntries([mine, stop, end, note, undo, ...others], 'op-a', 'a1', shiftStart);
    expect(list.map((e) => [e.kind, e.event.id, e.voidedFor, e.stopEnd])).toEqual([
      ['note', note.id, 'mistake', null],
      ['stop', stop.id, null, end.ts],
      ['count', mine.id, null, null],
    ]);
  });

  it('lists their call buttons too, with the void that took one back (the service then resolves it); calls of others and of the service are not theirs', () => {
    const call = ev({ type: 'andon.raise', kind: 'lead', trigger: 'button', cause: 'button|t1|1' });
    const undo = ev({ type: 'void', voids: call.id, reason: 'mistake' });
    const others = [ev({ type: 'andon.raise', kind: 'material', trigger: 'button', cause: 'button|t2|2', author: 'op-b' }), ev({ type: 'andon.raise', kind: 'maintenance', trigger: 'stop', cause: 'stop|S1', author: 'floorboard' })];
    expect(ownEntries([call, undo, ...others], 'op-a', 'a1', shiftStart).map((e) => [e.kind, e.event.id, e.voidedFor])).toEqual([['call', call.id, 'mistake']]);
  });

  it("lists the reason they gave to a machine's stop (undoable like the rest); the reason given to their own stop is that stop's row", () => {
    const machineReason = ev({ type: 'stop.classify', stopId: 'MACHINE-STOP', reasonId: 'jam' });
    const undo = ev({ type: 'void', voids: machineReason.id, reason: 'mistake' });
    const again = ev({ type: 'stop.classify', stopId: 'MACHINE-STOP', reasonId: 'setup' });
    const stop = ev({ type: 'stop.start', stopId: 'S1' });
    const ownReason = ev({ type: 'stop.classify', stopId: 'S1', reasonId: 'jam' });
    const others = [ev({ type: 'stop.classify', stopId: 'MACHINE-STOP', reasonId: 'jam', author: 'op-b' })];
    expect(ownEntries([machineReason, undo, again, stop, ownReason, ...others], 'op-a', 'a1', shiftStart).map((e) => [e.kind, e.event.id, e.voidedFor])).toEqual([
      ['stop', stop.id, null],
      ['reason', again.id, null],
      ['reason', machineReason.id, 'mistake'],
    ]);
  });

  it('lists their stop splits and handovers too, each undoable like the rest', () => {
    const stop = ev({ type: 'stop.start', stopId: 'S1' });
    const end = ev({ type: 'stop.end', stopId: 'S1' });
    const split = ev({ type: 'stop.split', stopId: 'S1', at: stop.ts + 500, newStopId: 'S2', reasonId: 'setup' });
    const handover = ev({ type: 'handover', scope: 'station', topics: ['material'], text: 'coil 7 is short' });
    const undo = ev({ type: 'void', voids: handover.id, reason: 'mistake' });
    const others = [
      ev({ type: 'stop.split', stopId: 'S9', at: shiftStart + 1, newStopId: 'S10', author: 'op-b' }),
      ev({ type: 'handover', scope: 'station', topics: [], text: 'not mine', stationId: 'a2' }),
      ev({ type: 'handover.ack', handoverId: 'H0' }),
    ];
    const list = ownEntries([stop, end, split, handover, undo, ...others], 'op-a', 'a1', shiftStart);
    expect(list.map((e) => [e.kind, e.event.id, e.voidedFor])).toEqual([
      ['handover', handover.id, 'mistake'],
      ['split', split.id, null],
      ['stop', stop.id, null],
    ]);
  });

  it('lists the newest few of many, counts them all, and keeps the rows that did not change (a tap redraws one row)', () => {
    const counts = Array.from({ length: 30 }, (_, i) => count(i + 1));
    const first = recentOwnEntries(counts, 'op-a', 'a1', shiftStart, 20);
    expect(first.total).toBe(30);
    expect(first.entries.map((e) => e.event.id)).toEqual(counts.slice(-20).reverse().map((e) => e.id));
    const undo = ev({ type: 'void', voids: counts[29]!.id, reason: 'mistake' });
    const next = recentOwnEntries([...counts, count(99), undo], 'op-a', 'a1', shiftStart, 20);
    expect(next.total).toBe(31);
    expect(next.entries[0]!.event).toMatchObject({ type: 'count', good: 99 });
    // The undone one is a new row; the other 18 are the very same rows as before.
    expect(next.entries[1]).toEqual({ ...first.entries[0], voidedFor: 'mistake' });
    expect(next.entries[1]).not.toBe(first.entries[0]);
    expect(next.entries.slice(2).every((e, i) => e === first.entries[i + 1])).toBe(true);
  });

  it('"−1" of a count of 5 voids it and enters 4 again, both valid events; of a count of 1 only voids it', () => {
    const five = count(5, { reject: 1, scrapReasonId: 'scrap-dim' });
    const { void: undo, again } = minusOne(five as Extract<FloorEvent, { type: 'count' }>);
    expect(undo).toEqual({ type: 'void', voids: five.id, reason: 'corrected-by-minus-one' });
    expect(again).toEqual({ type: 'count', productId: 'widget', good: 4, reject: 1, scrapReasonId: 'scrap-dim' });
    // Both parse as events on the wire: no negative count is ever made.
    expect(eventSchema.safeParse({ ...five, ...again, id: '01J00000000000000000000ZZZ' }).success).toBe(true);
    expect(eventSchema.safeParse({ ...five, ...undo, productId: undefined, good: undefined, reject: undefined, scrapReasonId: undefined }).success).toBe(true);
    expect(minusOne(count(1) as Extract<FloorEvent, { type: 'count' }>).again).toBeNull();
  });

  it('"−1" corrects the latest good count that still stands', () => {
    const older = count(3);
    const newer = count(2);
    const undone = ev({ type: 'void', voids: newer.id, reason: 'mistake' });
    expect(lastGoodCount([older, newer, undone], 'op-a', 'a1', shiftStart)?.id).toBe(older.id);
    expect(lastGoodCount([older, newer, undone, count(7, { author: 'op-b' }), count(7, { stationId: 'a2' })], 'op-a', 'a1', shiftStart)?.id).toBe(older.id);
    expect(lastGoodCount([count(0, { reject: 2 })], 'op-a', 'a1', shiftStart)).toBeNull();
  });

  it('a waiting undo of a count the service has takes its parts back from what the tablet shows as waiting', () => {
    const acked = count(4);
    const waitingCount = count(2);
    const undoAcked = ev({ type: 'void', voids: acked.id, reason: 'mistake' });
    expect(waitingGoodOf([waitingCount], [acked, waitingCount])).toBe(2);
    expect(waitingGoodOf([waitingCount, undoAcked], [acked, waitingCount, undoAcked])).toBe(-2);
    const undoWaiting = ev({ type: 'void', voids: waitingCount.id, reason: 'mistake' });
    expect(waitingGoodOf([waitingCount, undoWaiting], [acked, waitingCount, undoWaiting])).toBe(0);
  });
});

describe('split by minutes and seconds', () => {
  it('splits at whole seconds, at least a second inside the stop', () => {
    const start = shiftStart;
    expect(splitPoint(start, start + 300_000, 95_000) - start).toBe(95_000);
    expect(splitPoint(start, start + 300_000, 95_400) - start).toBe(95_000);
    expect(splitPoint(start, start + 300_000, 0) - start).toBe(1000);
    expect(splitPoint(start, start + 300_000, 999_000) - start).toBe(299_000);
  });
  it('shows lengths as m:ss', () => {
    expect(clockText(95_000)).toBe('1:35');
    expect(clockText(3_725_000)).toBe('1:02:05');
  });
});
