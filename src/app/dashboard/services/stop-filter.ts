import { isAwaitingReason } from '../../../core/station-state/awaiting.ts';
import type { StopView } from '../../../core/contracts/history.ts';

/** What the lead narrows the stop list to: a station, a reason (a category takes its children), or the stops still waiting for a reason. */
export interface StopFilter {
  stationId: string;
  /** '' for all, NO_REASON for stops awaiting a reason (the core rule), else a reason or category id. */
  reasonId: string;
}

export const NO_REASON = '__none__';
export const allStops: StopFilter = { stationId: '', reasonId: '' };

/**
 * The stops the filter keeps, waiting-for-a-reason first, then the newest. `categoryOf` maps a
 * reason to its top-level category, so "Material" keeps "Material missing" too.
 */
export function filterStops(stops: readonly StopView[], f: StopFilter, categoryOf: (reasonId: string) => string | undefined): StopView[] {
  return stops
    .filter((s) => f.stationId === '' || s.stationId === f.stationId)
    .filter((s) => {
      if (f.reasonId === '') return true;
      if (f.reasonId === NO_REASON) return isAwaitingReason(s);
      return s.reasonId !== null && (s.reasonId === f.reasonId || categoryOf(s.reasonId) === f.reasonId);
    })
    .sort((a, b) => Number(isAwaitingReason(b)) - Number(isAwaitingReason(a)) || b.start - a.start);
}
