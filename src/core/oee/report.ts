import type { LossCategory } from '../plant.schema.ts';

/** How a window is cut into buckets. `window` is one bucket for the whole window. */
export type Bucketing = 'hour' | 'shift' | 'day' | 'window';

export interface OeeQuery {
  /** Window start, ms since epoch (inclusive). */
  from: number;
  /** Window end, ms since epoch (exclusive). */
  to: number;
  /** Stops still open count until `now`; nothing after `now` is planned yet. */
  now: number;
  by: Bucketing;
  /** Only these lines; all lines when omitted. */
  lineIds?: readonly string[];
}

/** The six big losses; planned stops are not a loss, they are excluded from planned time. */
export type BigLoss = Exclude<LossCategory, 'planned'>;

export interface ReasonLoss {
  /** null for a stop nobody has classified yet. */
  reasonId: string | null;
  loss: BigLoss;
  durationMs: number;
  count: number;
}

/** Every figure for one scope (line, area or site) and one bucket. Ratios are 0..1 (performance may exceed 1). */
export interface OeeFigures {
  allTimeMs: number;
  /** Planned time: shift time minus breaks and planned stops, and minus no-data time the line leaves out. */
  plannedMs: number;
  /** Planned time as scheduled: `plannedMs` plus the no-data time left out of it. */
  scheduledMs: number;
  /** Time nobody saw, inside shift time minus breaks (docs/adr/0009-no-data.md). Never run time. */
  noDataMs: number;
  /** Monitored coverage, 0..1: monitored planned time / scheduled planned time; null when nothing was scheduled. */
  coverage: number | null;
  plannedStopMs: number;
  /** Unplanned stop time inside planned time, excluding minor stops. */
  stopMs: number;
  runMs: number;
  /** Ideal time for the parts made: sum over counts of count x the product's ideal cycle time. */
  idealMs: number;
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
  utilization: number | null;
  teep: number | null;
  /** False when planned time is zero: show "not scheduled", never 0 % or 100 %. */
  isScheduled: boolean;
  /** Performance above 100 %: the configured ideal cycle time is wrong. */
  isPerformanceOverLimit: boolean;
  /** Time lost to each of the six big losses, ms (quality losses as reject count x ideal cycle time). */
  lossMs: Record<BigLoss, number>;
  stopCount: number;
  minorStopCount: number;
  mtbfMs: number | null;
  mttrMs: number | null;
  good: number;
  reject: number;
  total: number;
  /** The TOP_REASONS largest reason tallies (src/core/oee/figures.ts), largest first. */
  topReasons: ReasonLoss[];
  /** Every reason tally after `topReasons`, summed: with them, all time booked to reasons (a Pareto's "Other" row). */
  otherReasons: ReasonRest;
}

/** Reason tallies summed into one: their time lost and how many stops. */
export interface ReasonRest {
  durationMs: number;
  count: number;
}

export interface OeeBucket extends OeeFigures {
  start: number;
  end: number;
  /** Shift id for `shift` buckets. */
  shiftId?: string;
}

export interface ScopeReport {
  /** 'line', 'area' or 'site' with its id. */
  scope: 'line' | 'area' | 'site';
  id: string;
  buckets: OeeBucket[];
  total: OeeFigures;
}

export interface OeeReport {
  query: OeeQuery;
  lines: ScopeReport[];
  areas: ScopeReport[];
  site: ScopeReport;
}
