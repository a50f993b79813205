import { describe, expect, it } from 'vitest';
import { consecutiveRuns, DirtyHours } from '../../../src/server/history/dirty-hours.ts';
import { LOOKBACK_MS } from '../../../src/server/history/hourly-buckets.ts';
import type { StoredEventInput } from '../../../src/server/storage/storage.ts';

const H = 3600_000;
const record = (type: string, ts: number, extra: Record<string, unknown> = {}) => ({ correctedTs: ts, event: { id: `e${ts}`, type, lineId: 'line-a', ts, ...extra } }) as unknown as StoredEventInput;

describe('the hours the bucket writer writes again', () => {
  it('groups consecutive hours into one engine run each', () => {
    expect(consecutiveRuns([0, H, 2 * H, 5 * H, 7 * H, 8 * H])).toEqual([
      { start: 0, end: 3 * H },
      { start: 5 * H, end: 6 * H },
      { start: 7 * H, end: 9 * H },
    ]);
    expect(consecutiveRuns([])).toEqual([]);
  });

  it('marks each event’s hour; a stop end also reaches back a look-back, stale until the flush is done', () => {
    const d = new DirtyHours();
    const hourOf = (ts: number) => Math.floor(ts / H) * H;
    d.mark([record('count', 10 * H + 5), record('stop.end', 12 * H + 7, { stopId: 's1' })], hourOf);
    expect(d.staleFrom()).toBe(12 * H - LOOKBACK_MS);
    const taken = d.take();
    expect(taken.hours).toEqual([10 * H, 12 * H]);
    expect([...taken.pending.get('line-a')!.refs]).toEqual(['s1']);
    expect(d.isEmpty).toBe(true);
    // Being written: still stale for readers of the buckets.
    expect(d.staleFrom()).toBe(12 * H - LOOKBACK_MS);
    d.done();
    expect(d.staleFrom()).toBe(Number.POSITIVE_INFINITY);
  });

  it('marks, with the current hour, every hour after an event that carries its line\'s state up to it; a point event its own hour alone', () => {
    const d = new DirtyHours();
    const hourOf = (ts: number) => Math.floor(ts / H) * H;
    d.mark([record('count', 2 * H + 5), record('machine.state', 5 * H + 7, { state: 'fault' })], hourOf, 8 * H);
    const taken = d.take();
    expect(taken.hours).toEqual([2 * H, 5 * H, 6 * H, 7 * H, 8 * H]);
    expect(d.staleFrom()).toBe(5 * H - LOOKBACK_MS);
    // A flush that writes further back than that (the first hour of a stop the event names) is stale from there until done.
    d.writing(5 * H - LOOKBACK_MS - 30 * H);
    expect(d.staleFrom()).toBe(5 * H - LOOKBACK_MS - 30 * H);
    d.done();
    expect(d.staleFrom()).toBe(Number.POSITIVE_INFINITY);
  });
});
