import { isAwaitingReason } from '../../../core/station-state/awaiting.ts';
import type { ReasonCategory } from '../../../core/plant.schema.ts';
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

/** One group of the reason filter: a category of the plant's reason tree and what it offers. */
export interface ReasonFilterGroup {
  label: string;
  options: { id: string; label: string }[];
}

/**
 * The reason filter's choices: every reason a stop can carry, the same tree the correction offers
 * (reduced speed and quality too, not only the stop losses), one group per category. A category
 * with children offers itself first (it takes its children, `filterStops`), named by `all`.
 * @example reasonFilterGroups(plant.reasons, (r) => r.name, (c) => `${c} (all)`)
 */
export function reasonFilterGroups(reasons: readonly ReasonCategory[], label: (r: ReasonCategory | ReasonCategory['children'][number]) => string, all: (category: string) => string): ReasonFilterGroup[] {
  return reasons.map((r) => {
    const name = label(r);
    if (!r.children.length) return { label: name, options: [{ id: r.id, label: name }] };
    return { label: name, options: [{ id: r.id, label: all(name) }, ...r.children.map((c) => ({ id: c.id, label: `${name} › ${label(c)}` }))] };
  });
}
