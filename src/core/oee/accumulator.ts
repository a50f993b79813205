import type { FloorEvent } from '../events.schema.ts';
import type { LossCategory, Plant } from '../plant.schema.ts';
import type { OeeQuery, OeeReport } from './report.ts';
import { LineTimeline, type EffectiveEvent } from './line-timeline.ts';
import { compareEvents, effectiveEvents } from './normalize.ts';
import { buildPlan, type Plan } from './plan.ts';
import { lineRaw } from './line-figures.ts';
import { buildReport } from './rollup.ts';
import { reasonLosses, selectLines, type SelectedLine } from './query.schema.ts';
import { noDataSpans, type Monitoring } from './no-data.ts';

/** The query of a live view without `now`, which each report supplies. */
export type OeeWindow = Omit<OeeQuery, 'now'>;

interface LineState {
  selected: SelectedLine;
  /** Every distinct raw event of the line, kept for a local recompute. */
  events: FloorEvent[];
  timeline: LineTimeline;
  last: FloorEvent | null;
  /** Set by a late event or an edit: the timeline is rebuilt from `events` at the next report. */
  isDirty: boolean;
  /** An edit has touched the line: its timeline holds the edits known at `builtAsOf` only. */
  hasEdits: boolean;
  builtAsOf: number;
}

const NO_LINE = -1;

/**
 * Live OEE for one window: `apply` each event as it arrives, `report(now)` whenever a view needs it.
 * An event in time order for its line is folded in at O(1); a late event, a correction or a void
 * marks only its line for a recompute, so the report always equals
 * `computeOee(plant, allEventsSoFar, { ...window, now })`.
 *
 * @example
 * const acc = new OeeAccumulator(plant, { from, to, by: 'shift' });
 * for (const e of events) acc.apply(e);
 * acc.report(Date.now()).site.total.oee;
 */
export class OeeAccumulator {
  private readonly plan: Plan;
  private readonly lines: LineState[];
  private readonly lineIndex = new Map<string, number>();
  /** Event id to the index of the line it belongs to (NO_LINE when none); doubles as the duplicate filter. */
  private readonly eventLine = new Map<string, number>();
  private readonly editTarget = new Map<string, string>();
  private readonly edits: FloorEvent[] = [];
  /** Times of every edit, sorted: a report whose `now` passes one rebuilds the lines with edits. */
  private readonly editTimes: number[] = [];
  /** Ids targeted by an edit before they arrived. */
  private readonly pending = new Set<string>();
  private readonly losses: Map<string, LossCategory>;

  constructor(
    private readonly plant: Plant,
    private readonly window: OeeWindow,
    /** What the events cannot tell (service downtime, first stored events): see computeOee. */
    private monitoring?: Monitoring,
  ) {
    const selected = selectLines(plant, { ...window, now: window.from });
    this.plan = buildPlan(plant.calendar, window.from, window.to, window.by);
    this.losses = reasonLosses(plant);
    this.lines = selected.map((s, i) => {
      this.lineIndex.set(s.line.id, i);
      return { selected: s, events: [], timeline: new LineTimeline(s.line), last: null, isDirty: false, hasEdits: false, builtAsOf: Infinity };
    });
  }

  /** Folds one event in; copies of an event already applied are ignored. */
  apply(e: FloorEvent): void {
    if (this.eventLine.has(e.id)) return;
    if (e.type === 'correction' || e.type === 'void') {
      const target = e.type === 'correction' ? e.supersedes : e.voids;
      this.edits.push(e);
      insertSorted(this.editTimes, e.ts);
      this.editTarget.set(e.id, target);
      this.eventLine.set(e.id, NO_LINE);
      this.touch(target);
      if (this.pending.has(e.id)) this.touch(e.id);
      return;
    }
    const li = this.lineIndex.get(e.lineId) ?? NO_LINE;
    this.eventLine.set(e.id, li);
    if (li === NO_LINE) return;
    const line = this.lines[li] as LineState;
    line.events.push(e);
    if (this.pending.has(e.id)) line.isDirty = line.hasEdits = true;
    if (line.isDirty) return;
    if (line.last !== null && compareEvents(e, line.last) < 0) {
      line.isDirty = true;
      return;
    }
    line.timeline.push(e as EffectiveEvent);
    line.last = e;
  }

  /** Replaces what the events cannot tell (a run log read again, say); the next report uses it. */
  setMonitoring(monitoring: Monitoring | undefined): void {
    this.monitoring = monitoring;
  }

  /** Figures as known at `now`; recomputes only lines touched by late events or edits. */
  report(now: number): OeeReport {
    const query: OeeQuery = { ...this.window, now };
    // An edit is known only from its own time on (ADR 0002): a line whose timeline was built as of
    // another time, with an edit recorded in between, is rebuilt as of this `now`.
    for (const line of this.lines) if (line.isDirty || (line.hasEdits && this.editBetween(line.builtAsOf, now))) this.rebuild(line, now);
    const raws = this.lines.map((l) => lineRaw(l.timeline, this.plan, now, this.losses, noDataSpans(l.timeline, now, this.monitoring)));
    return buildReport(
      this.plant.site.id,
      query,
      this.plan,
      this.lines.map((l) => l.selected),
      raws,
    );
  }

  /** Marks the line an event id belongs to, following edits of edits; remembers ids not seen yet. */
  private touch(id: string): void {
    let cur = id;
    for (let depth = 0; depth < 64; depth++) {
      const next = this.editTarget.get(cur);
      if (next === undefined) break;
      cur = next;
    }
    const li = this.eventLine.get(cur);
    if (li === undefined) this.pending.add(cur);
    else if (li !== NO_LINE) {
      const line = this.lines[li] as LineState;
      line.isDirty = line.hasEdits = true;
    }
  }

  /** Whether an edit was recorded in (min(a, b), max(a, b)]: then what is known at a and at b differs. */
  private editBetween(a: number, b: number): boolean {
    if (a === b) return false;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const i = firstAbove(this.editTimes, lo);
    return i < this.editTimes.length && (this.editTimes[i] as number) <= hi;
  }

  private rebuild(line: LineState, now: number): void {
    const timeline = new LineTimeline(line.selected.line);
    for (const e of effectiveEvents(this.edits.length ? [...line.events, ...this.edits] : line.events, now)) timeline.push(e);
    line.builtAsOf = now;
    let last: FloorEvent | null = null;
    for (const e of line.events) if (last === null || compareEvents(e, last) > 0) last = e;
    line.timeline = timeline;
    line.last = last;
    line.isDirty = false;
  }
}

/** Index of the first element above `x` in a sorted array. */
function firstAbove(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts keeping order; edits arrive nearly in time order, so this is usually a push. */
function insertSorted(sorted: number[], x: number): void {
  sorted.splice(firstAbove(sorted, x), 0, x);
}
