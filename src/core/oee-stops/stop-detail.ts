import { lossAt } from '../oee/reason-loss.ts';
import type { FloorEvent } from '../events.schema.ts';
import type { Line, LossCategory } from '../plant.schema.ts';
import { effectiveEvents } from '../oee/normalize.ts';
import { stopRank } from '../oee/stop-segments.ts';
import { StopLog, type ReasonEvent, type StopSource } from './stop-log.ts';

export type { ReasonEvent, StopSource } from './stop-log.ts';

/** One stop (or part of a split stop) as booked at `now`. */
export interface StopDetail {
  id: string;
  start: number;
  /** At most `now`. */
  end: number;
  isOpen: boolean;
  stationId: string;
  source: StopSource;
  /** The event that opened it (stop.start, machine.state, changeover.start, or the stop.split of a part). */
  originEventId: string;
  /** Null while unclassified, or when the reason is not in the plant's tree. */
  reasonId: string | null;
  loss: LossCategory;
  /** Opened by a changeover.start or a machine's setup state: booked to setup unless classified otherwise. */
  isSetup: boolean;
  /** The event that sets the reason now; null when nobody gave one. */
  reasonEvent: ReasonEvent | null;
}

/** Disjoint stop time: `stop` is the index of the stop that owns it. */
export interface StopSegment {
  start: number;
  end: number;
  stop: number;
}

/** A line's stops as booked at `now` and the disjoint segments of stop time they make. */
export interface LineStops {
  lineId: string;
  stops: StopDetail[];
  segments: StopSegment[];
}

/** Order among overlapping stops: the engine's rule. */
const rankOf = (s: StopDetail) => stopRank(s.loss, s.isSetup);

/**
 * Every stop of each line with the event that sets its reason, by the OEE engine's rules: a stop
 * still open runs until `now`; nothing recorded after `now` is known; the newest classification of a
 * stop id wins; a split's later part keeps the split's reason, else the parent's given one; a stop
 * shorter than the line's small-stop threshold is a minor stop unless planned or a changeover;
 * overlapping stops are counted once, owned by the lowest rank (`stopRank`: a stop nested in a
 * changeover owns its time), then the earliest.
 *
 * @example stopsByLine(lines, events, Date.now(), reasonLosses(plant))[0].stops[0].reasonEvent?.id
 */
export function stopsByLine(lines: readonly Line[], events: readonly FloorEvent[], now: number, reasonLoss: ReadonlyMap<string, LossCategory>): LineStops[] {
  const logs = new Map(lines.map((l) => [l.id, new StopLog()]));
  for (const e of effectiveEvents(events, now)) logs.get(e.lineId)?.push(e);
  return lines.map((line) => lineStops(line, logs.get(line.id)!, now, reasonLoss));
}

/** One line's stops and segments at `now`, from its stop log (fed its effective events in sort order). */
export function lineStops(line: Line, log: StopLog, now: number, reasonLoss: ReadonlyMap<string, LossCategory>): LineStops {
  const stops = materialize(log, now, reasonLoss, line.smallStopThresholdSec * 1000);
  return { lineId: line.id, stops, segments: segmentsOf(stops) };
}

interface Piece extends Omit<StopDetail, 'loss' | 'reasonId'> {
  rootMs: number;
}

function materialize(log: StopLog, now: number, reasonLoss: ReadonlyMap<string, LossCategory>, smallStopMs: number): StopDetail[] {
  const pieces: Piece[] = [];
  for (const r of log.rows) {
    const end = Math.min(r.end, now);
    if (end <= r.start) continue;
    pieces.push({ id: r.id, start: r.start, end, isOpen: r.end > now, stationId: r.stationId, source: r.source, originEventId: r.originEventId, reasonEvent: r.given, rootMs: end - r.start, isSetup: r.isSetup });
  }
  const byId = new Map(pieces.map((p, i) => [p.id, i]));
  for (const sp of log.splits) {
    if (sp.event.ts > now) continue;
    const i = byId.get(sp.stopId);
    const parent = i === undefined ? undefined : pieces[i];
    if (!parent || byId.has(sp.newStopId) || !(sp.at > parent.start && sp.at < parent.end)) continue;
    const reasonEvent = sp.event.payload.reasonId ? sp.event : parent.reasonEvent;
    byId.set(sp.newStopId, pieces.push({ ...parent, id: sp.newStopId, start: sp.at, originEventId: sp.event.id, reasonEvent }) - 1);
    parent.end = sp.at;
    parent.isOpen = false;
  }
  const out = pieces.map(({ rootMs, ...p }) => {
    // The newest classification known at `now` wins over the given reason.
    const cls = (log.classified.get(p.id) ?? []).filter((c) => c.ts <= now).at(-1);
    const reasonEvent = cls ?? p.reasonEvent;
    const given = reasonEvent?.payload.reasonId ?? null;
    const known = given === null ? undefined : lossAt(reasonLoss, given, p.start);
    let loss: LossCategory = known ?? (p.isSetup ? 'setup' : 'breakdown');
    // A changeover is setup however short (ADR 0008).
    if (loss !== 'planned' && !p.isSetup && rootMs < smallStopMs) loss = 'minor-stop';
    return { ...p, reasonEvent, reasonId: known === undefined ? null : given, loss };
  });
  return out.sort((a, b) => a.start - b.start || rankOf(a) - rankOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Cuts sorted stops into disjoint segments: stopped while any stop is open, never counted twice. */
function segmentsOf(stops: readonly StopDetail[]): StopSegment[] {
  const out: StopSegment[] = [];
  const active: number[] = [];
  let i = 0;
  let cur = -Infinity;
  while (i < stops.length || active.length > 0) {
    if (active.length === 0) cur = stops[i]!.start;
    while (i < stops.length && stops[i]!.start <= cur) active.push(i++);
    let next = i < stops.length ? stops[i]!.start : Infinity;
    let owner = active[0]!;
    for (const a of active) {
      next = Math.min(next, stops[a]!.end);
      const [ra, ro] = [rankOf(stops[a]!), rankOf(stops[owner]!)];
      if (ra < ro || (ra === ro && a < owner)) owner = a;
    }
    const last = out.at(-1);
    if (last && last.stop === owner && last.end === cur) last.end = next;
    else out.push({ start: cur, end: next, stop: owner });
    cur = next;
    for (let k = active.length - 1; k >= 0; k--) if (stops[active[k]!]!.end <= cur) active.splice(k, 1);
  }
  return out;
}
