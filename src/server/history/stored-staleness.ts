import type { Storage } from '../storage/storage.ts';
import { LOOKBACK_MS } from './hourly-buckets.ts';

/**
 * Where the hourly buckets may be stale, as any instance can tell from storage alone: a cluster
 * follower has no bucket writer of its own (the leader writes), yet should read long histories
 * from the buckets as the leader does. Every event stored up to the mark `buckets` is written
 * (bucket-writer.ts); hours from the first one stored after it are not trusted, less a day for the
 * stops such an event may end or classify. -Infinity before the first mark: no bucket is trusted.
 */
export async function storedBucketsStaleFrom(storage: Pick<Storage, 'readMark' | 'firstCorrectedTsAfter'>): Promise<number> {
  const mark = await storage.readMark('buckets');
  if (mark === null) return Number.NEGATIVE_INFINITY;
  const first = await storage.firstCorrectedTsAfter(mark);
  return first === null ? Number.POSITIVE_INFINITY : first - LOOKBACK_MS;
}
