import type { Storage } from '../storage/storage.ts';
import { READ_SLICE_MS } from './hourly-buckets.ts';
import { RecentEvents } from './recent-events.ts';

export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Stored events of [from, to) of `lineIds`, read one line and a few hours per turn of the event
 * loop: a line's whole day in one read held the loop far too long for ingest and the board at the
 * demo's density (bench:buckets, start), and longer on busier lines. A line's read holds the
 * corrections and voids published on it, so the lines together hold every edit of the plant, and
 * each line's slice sees them all (see RecentEvents). `to` undefined reads to the end.
 */
export async function readStoredSlices(storage: Storage, from: number, to: number | undefined, lineIds: readonly string[], now: number): Promise<RecentEvents> {
  const source = new RecentEvents(from);
  const end = to ?? now;
  for (const lineId of lineIds) {
    let isEmpty = true;
    for (let start = from; ; start += READ_SLICE_MS) {
      if (isEmpty) {
        // Over empty time (a line that was idle, a window reaching far back) jump to the next
        // stored event instead of stepping through it slice by slice.
        const next = await storage.listEvents({ lineIds: [lineId], from: start, ...(to === undefined ? {} : { to }), orderBy: 'time', limit: 1 });
        if (next.events.length === 0) break;
        start = Math.max(start, next.events[0]!.correctedTs);
      }
      // Open-ended reads end with a slice that has no upper bound.
      const isLast = start + READ_SLICE_MS >= end;
      const upTo = isLast ? to : start + READ_SLICE_MS;
      const page = await storage.listEvents({ lineIds: [lineId], from: start, ...(upTo === undefined ? {} : { to: upTo }), orderBy: 'time' });
      for (const r of page.events) source.addStored(r);
      isEmpty = page.events.length === 0;
      await nextTurn();
      if (isLast) break;
    }
  }
  return source;
}
