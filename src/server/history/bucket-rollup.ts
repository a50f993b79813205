import { figuresFromSums } from '../../core/index.ts';
import { figuresFromHours } from '../../core/oee/bucket-sums.ts';
import type { HourlyBucket } from '../storage/storage.ts';

/**
 * Sums hourly buckets and derives the ratios with the core engine's own `finalize` (via
 * figuresFromHours / figuresFromSums): from summed times and counts, never by averaging
 * percentages, and reduced speed taken over the sum. Reason tallies and the breakdown count give
 * `topReasons`, `otherReasons`, `mtbfMs` and `mttrMs`; when a bucket predates them (schema version 4)
 * those are left out rather than answered wrong. A stop is counted in the hour it began.
 */
export function rollupBuckets(rows: readonly HourlyBucket[]) {
  if (rows.every((r) => r.reasons !== null)) return figuresFromHours(rows.map((r) => ({ ...r, reasons: r.reasons ?? [] })));
  const { topReasons: _reasons, otherReasons: _other, mtbfMs: _mtbf, mttrMs: _mttr, ...figures } = figuresFromSums(rows);
  return figures;
}
