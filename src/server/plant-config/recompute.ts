import { headlineOf, type HeadlineFigures } from '../../core/contracts/figures.ts';
import type { RecomputeAnswerWire } from '../../core/contracts/recompute.ts';
import { FloorboardError, type OeeFigures, type Plant } from '../../core/index.ts';
import { localHourStart } from '../../core/oee/calendar.ts';
import type { Monitoring } from '../../core/oee/no-data.ts';
import { eventsBetween } from '../history/bucket-history.ts';
import { rollupBuckets } from '../history/bucket-rollup.ts';
import { hourlyBuckets, HOUR_MS, LOOKBACK_MS } from '../history/hourly-buckets.ts';
import type { HourlyBucket, Storage } from '../storage/storage.ts';

/** The longest window one recompute covers: a month of hours per line is read and written at once. */
export const MAX_RECOMPUTE_MS = 31 * 24 * HOUR_MS;

export interface RecomputeDeps {
  storage: Pick<Storage, 'listHourlyBuckets' | 'upsertHourlyBuckets' | 'listEvents' | 'insertAdminAction'>;
  plant: Plant;
  plantVersion: number;
  now: number;
  monitoring?: Monitoring;
}

const figures = (rows: readonly HourlyBucket[]): HeadlineFigures | null => (rows.length ? headlineOf(rollupBuckets(rows) as OeeFigures) : null);

/**
 * The hourly buckets of [from, to) (widened to whole hours, never past now) as the current plant
 * computes them, beside the figures the stored ones give; with `apply`, written over the stored
 * ones and logged as an admin action. The same core engine and roll-up as every history screen.
 */
export async function recomputeHistory(
  deps: RecomputeDeps,
  q: { from: number; to: number; lineIds: readonly string[] },
  apply: { author: string; reason: string } | null,
): Promise<RecomputeAnswerWire> {
  const tz = deps.plant.calendar.timezone;
  const from = localHourStart(tz, q.from);
  const to = Math.min(q.to, deps.now);
  if (!(to > from)) throw new FloorboardError('invalid-arguments', 'invalid recompute window', { details: ['to: must be after from, and from before now'] });
  if (to - from > MAX_RECOMPUTE_MS) throw new FloorboardError('invalid-arguments', 'invalid recompute window', { details: [`to: at most 31 days after from; recompute a longer time in parts`] });
  const stored = await deps.storage.listHourlyBuckets({ lineIds: [...q.lineIds], from, to });
  const events = await eventsBetween(deps.storage as Storage, q.lineIds, from - LOOKBACK_MS, to + LOOKBACK_MS);
  const fresh = hourlyBuckets(deps.plant, events, { upsertFrom: from, to, now: deps.now, lineIds: q.lineIds, ...(deps.monitoring ? { monitoring: deps.monitoring } : {}) });
  const lines = q.lineIds.map((lineId) => {
    const mine = fresh.filter((r) => r.lineId === lineId);
    return { lineId, stored: figures(stored.filter((r) => r.lineId === lineId)), recomputed: figures(mine), hours: mine.length };
  });
  if (apply) {
    await deps.storage.upsertHourlyBuckets(fresh);
    const detail = JSON.stringify({ from, to, lineIds: q.lineIds, plantVersion: deps.plantVersion, hours: fresh.length });
    await deps.storage.insertAdminAction({ at: deps.now, author: apply.author, kind: 'recompute-history', reason: apply.reason, detail });
  }
  return { from, to, plantVersion: deps.plantVersion, isApplied: apply !== null, lines };
}
