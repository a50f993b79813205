import type { Plant } from '../plant.schema.ts';
import type { OeeReport } from '../oee/report.ts';
import { LineTimeline } from '../oee/line-timeline.ts';
import { lineRaw } from '../oee/line-figures.ts';
import { noDataSpans, type Monitoring } from '../oee/no-data.ts';
import { reasonLosses, selectLines } from '../oee/query.schema.ts';
import { buildReport } from '../oee/rollup.ts';
import type { StationStateFold } from './fold.ts';
import { planOf } from './read.ts';

/**
 * The live window's OEE report (one bucket), read from the station folds' own line timelines: the
 * service keeps one timeline per line for its statuses and its OEE snapshots alike. Equal to
 * `computeOee` over the events folded in (the fold steps them into the engine's `LineTimeline`).
 * A line without a fold has no events: an empty timeline.
 * @example foldsReport(plant, folds, { from, to }, Date.now(), monitoring).site.total.oee
 */
export function foldsReport(plant: Plant, folds: ReadonlyMap<string, StationStateFold>, window: { from: number; to: number }, now: number, monitoring?: Monitoring): OeeReport {
  const query = { from: window.from, to: window.to, by: 'window' as const, now };
  const lines = selectLines(plant, query);
  const plan = planOf(plant, window);
  const losses = reasonLosses(plant);
  const raws = lines.map(({ line }) => {
    const tl = folds.get(line.id)?.timeline(now) ?? new LineTimeline(line);
    return lineRaw(tl, plan, now, losses, noDataSpans(tl, now, monitoring));
  });
  return buildReport(plant.site.id, query, plan, lines, raws);
}
