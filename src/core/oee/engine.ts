import type { FloorEvent } from '../events.schema.ts';
import type { CountEvent } from './line-timeline.ts';
import type { Plant } from '../plant.schema.ts';
import type { OeeQuery, OeeReport } from './report.ts';
import { LineTimeline, type EffectiveEvent } from './line-timeline.ts';
import { compareEvents, effectiveEvents } from './normalize.ts';
import { buildPlan, type Plan } from './plan.ts';
import { CountFold, countRow } from './count-store.ts';
import { lineRaw, type LineRaw } from './line-figures.ts';
import { buildReport } from './rollup.ts';
import { reasonLosses, selectLines, type SelectedLine } from './query.schema.ts';
import { noDataSpans, type Monitoring } from './no-data.ts';

/**
 * Computes OEE per line, area and site for a window, bucketed by hour, shift, local day or the
 * whole window. Pure: the same plant, events (in any order, with copies) and query give the same
 * report. Rules: docs/adr/0002-oee-rules.md. `monitoring` tells what the events cannot: when the
 * service was down and each line's first stored event (docs/adr/0009-no-data.md).
 *
 * @example
 * const report = computeOee(plant, events, { from, to, now: Date.now(), by: 'shift' });
 * report.site.total.oee; // 0..1, or null when nothing was scheduled
 * @throws FloorboardError 'invalid-arguments' for a bad query or an unknown line id.
 */
export function computeOee(plant: Plant, events: readonly FloorEvent[], query: OeeQuery, monitoring?: Monitoring): OeeReport {
  const { lines, plan, raws } = computeRaws(plant, events, query, monitoring);
  return buildReport(plant.site.id, query, plan, lines, raws);
}

/**
 * The summable figures behind `computeOee`, before any ratio is derived: what pre-aggregated
 * buckets store (bucket-sums.ts), so a report summed from them goes through the same finalize.
 */
export function computeRaws(
  plant: Plant,
  events: readonly FloorEvent[],
  query: OeeQuery,
  monitoring?: Monitoring,
): { lines: SelectedLine[]; plan: Plan; raws: LineRaw[] } {
  const lines = selectLines(plant, query);
  const plan = buildPlan(plant.calendar, query.from, query.to, query.by);
  const timelines = buildTimelines(lines, plan, query.now, events);
  const losses = reasonLosses(plant);
  const raws = lines.map((l) => {
    const tl = timelines.get(l.line.id) as LineTimeline;
    return lineRaw(tl, plan, query.now, losses, noDataSpans(tl, query.now, monitoring));
  });
  return { lines, plan, raws };
}

/** Reads the event time into countRow[0], the scratch `buildTimelines` uses for it: see there. */
function readTs(e: FloorEvent): void {
  countRow[0] = e.ts;
}

function freshTimelines(lines: readonly SelectedLine[], plan: Plan, now: number): Map<string, LineTimeline> {
  const map = new Map<string, LineTimeline>();
  // One report, one `now`: counts fold straight into bucket sums, no row is kept.
  for (const l of lines) map.set(l.line.id, new LineTimeline(l.line, new CountFold(plan, now)));
  return map;
}

/**
 * Feeds every line's timeline. Stored and replayed events are nearly always already in order, with
 * no copies and no edits: then one pass over the input, no copy and no sort. Anything else (a late
 * event, a copy, a correction or void) falls back to the full normalisation.
 */
function buildTimelines(lines: readonly SelectedLine[], plan: Plan, now: number, events: readonly FloorEvent[]): Map<string, LineTimeline> {
  let timelines = freshTimelines(lines, plan, now);
  let lastLine = '';
  let tl: LineTimeline | undefined;
  let prev: FloorEvent | undefined;
  let prevTs = -Infinity;
  let isClean = true;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as FloorEvent;
    // Counts are ~90 % of a year and share one shape, so every read of a count's fields sits at a
    // site that sees only counts: monomorphic, and `ts` unboxed. A megamorphic read of a double
    // field allocates a number per event, and with one such site in this loop TurboFan boxed every
    // read (garbage per line-year: docs/benchmarks.md); other types read `ts` in a helper with its own feedback.
    // The time goes straight into countRow[0], where a count's fold reads it: one read per count.
    const isCount = e.type === 'count';
    if (isCount) countRow[0] = e.ts;
    else if (e.type === 'correction' || e.type === 'void') {
      isClean = false;
      break;
    } else readTs(e);
    const ts = countRow[0] as number;
    // Full comparison only on a tie; compare 0 means a copy (same ts, device, seq and id).
    if (ts < prevTs || (ts === prevTs && compareEvents(prev as FloorEvent, e) >= 0)) {
      isClean = false;
      break;
    }
    prev = e;
    prevTs = ts;
    const lineId = isCount ? e.lineId : e.lineId;
    if (lineId !== lastLine) {
      lastLine = lineId;
      tl = timelines.get(lastLine);
    }
    if (tl === undefined) continue;
    if (isCount) tl.pushCountAt(e as CountEvent);
    else tl.push(e);
  }
  if (isClean) return timelines;
  timelines = freshTimelines(lines, plan, now);
  for (const e of effectiveEvents(events, now)) timelines.get(e.lineId)?.push(e as EffectiveEvent);
  return timelines;
}
