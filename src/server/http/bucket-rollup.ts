import { figuresFromSums } from '../../core/index.ts';
import type { HourlyBucket } from '../storage/storage.ts';

/**
 * Sums hourly buckets and derives the ratios with the core engine's own `finalize` (via
 * figuresFromSums): from summed times and counts, never by averaging percentages, and reduced
 * speed taken over the sum. Buckets keep no reason tallies or breakdown count, so `topReasons`,
 * `mtbfMs` and `mttrMs` are left out rather than answered empty.
 */
export function rollupBuckets(rows: readonly HourlyBucket[]) {
  const { topReasons: _reasons, mtbfMs: _mtbf, mttrMs: _mttr, ...figures } = figuresFromSums(rows);
  return figures;
}
