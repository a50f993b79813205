import { lossAt } from '../oee/reason-loss.ts';
import type { FloorEvent } from '../events.schema.ts';
import type { Calendar, Line, LossCategory } from '../plant.schema.ts';
import { shiftPieces } from '../oee/plan.ts';
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
  /**
   * No time of it is shift time minus breaks (a machine stopped over a break, or off shift): it is
   * no loss and needs no reason. False when the caller gave no shift time.
   */
  isOffShift: boolean;
  /**
   * The id of the operator's changeover this machine setup is part of (the machine switched to setup
   * for the changeover the operator opened), or null. Lists show the changeover once, as the
   * changeover; its time is counted once either way.
   */
  partOf: string | null;
  /**
   * The end of the stop it is a part of, split or not (its own end when never split): a part that
   * lies wholly before a window still belongs to it when the stop it was split from reaches into it.
   */
  wholeEnd?: number;
}

/** Shift time minus breaks as sorted, disjoint pieces (a Plan's pieceStart and pieceEnd). */
export interface ShiftTime {
  start: readonly number[];
  end: readonly number[];
}

/** True when [start, end) overlaps any piece of shift time. */
export function hasShiftTime(start: number, end: number, t: ShiftTime): boolean {
  let lo = 0;
  let hi = t.end.length;
  // The first piece ending after `start`.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.end[mid]! <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < t.start.length && t.start[lo]! < end;
}

/**
 * A machine may switch to setup this long before the operator taps "changeover" (or leave it this
 * long after the changeover's end) and still be part of it.
 */
export const CHANGEOVER_LEAD_MS = 120_000;

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
/** Stops by start, then rank, then id. */
const byStart = (a: StopDetail, b: StopDetail) => a.start - b.start || rankOf(a) - rankOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

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
export function stopsByLine(lines: readonly Line[], events: readonly FloorEvent[], now: number, reasonLoss: ReadonlyMap<string, LossCategory>, calendar?: Calendar): LineStops[] {
  const logs = new Map(lines.map((l) => [l.id, new StopLog()]));
  let first = Infinity;
  for (const e of effectiveEvents(events, now)) {
    logs.get(e.lineId)?.push(e);
    if (e.ts < first) first = e.ts;
  }
  const shiftTime = calendar && first < Infinity ? shiftTimeOf(calendar, first, now + 1) : undefined;
  return lines.map((line) => lineStops(line, logs.get(line.id)!, now, reasonLoss, shiftTime));
}

/** Shift time minus breaks in [from, to), from the plant calendar: the engine's plan pieces. */
export function shiftTimeOf(calendar: Calendar, from: number, to: number): ShiftTime {
  const { starts, ends } = shiftPieces(calendar, from, to);
  return { start: starts, end: ends };
}

/**
 * One line's stops and segments at `now`, from its stop log (fed its effective events in sort
 * order). With `shiftTime`, stops with none of it are marked `isOffShift`.
 */
export function lineStops(line: Line, log: StopLog, now: number, reasonLoss: ReadonlyMap<string, LossCategory>, shiftTime?: ShiftTime): LineStops {
  const stops = materialize(log, now, reasonLoss, line.smallStopThresholdSec * 1000);
  markChangeoverParts(stops);
  if (shiftTime) for (const s of stops) s.isOffShift = !hasShiftTime(s.start, s.end, shiftTime);
  return { lineId: line.id, stops, segments: segmentsOf(stops) };
}

/**
 * Marks each machine setup that lies inside an operator's changeover (give or take
 * CHANGEOVER_LEAD_MS at either end) as part of that changeover, and widens the changeover to cover
 * it: lists show one changeover as long as the setup time the engine counts. Only when both are
 * booked to setup (a setup given another loss is a stop of its own, so is a changeover classified
 * otherwise). A machine setup still open after the changeover ended is the machine's own. A line has
 * one changeover at a time, whichever station the machine signal comes from. `stops` is sorted by
 * start, and is sorted again when a changeover widens.
 */
function markChangeoverParts(stops: StopDetail[]): void {
  const changeovers = stops.filter((s) => s.isSetup && s.source === 'operator' && s.loss === 'setup');
  if (changeovers.length === 0) return;
  let widened = false;
  let j = 0;
  for (const s of stops) {
    if (!s.isSetup || s.source !== 'machine' || s.loss !== 'setup') continue;
    // Changeovers never overlap: the candidates are the last one starting by s.start + lead, and the one before.
    while (j + 1 < changeovers.length && changeovers[j + 1]!.start - CHANGEOVER_LEAD_MS <= s.start) j++;
    const co = [changeovers[j], changeovers[j - 1]].find(
      (c) => c !== undefined && s.start >= c.start - CHANGEOVER_LEAD_MS && s.start < c.end && (s.isOpen ? c.isOpen : s.end <= c.end + CHANGEOVER_LEAD_MS),
    );
    if (!co) continue;
    s.partOf = co.id;
    if (s.start < co.start || s.end > co.end) widened = true;
    co.start = Math.min(co.start, s.start);
    co.end = Math.max(co.end, s.end);
    // The whole stop ends no earlier than any part of it (station-state read.ts relies on it).
    if (co.wholeEnd !== undefined) co.wholeEnd = Math.max(co.wholeEnd, co.end);
  }
  if (widened) stops.sort(byStart);
}

interface Piece extends Omit<StopDetail, 'loss' | 'reasonId' | 'isOffShift' | 'partOf'> {
  rootMs: number;
  wholeEnd: number;
}

function materialize(log: StopLog, now: number, reasonLoss: ReadonlyMap<string, LossCategory>, smallStopMs: number): StopDetail[] {
  const pieces: Piece[] = [];
  for (const r of log.rows) {
    const end = Math.min(r.end, now);
    if (end <= r.start) continue;
    pieces.push({ id: r.id, start: r.start, end, isOpen: r.end > now, stationId: r.stationId, source: r.source, originEventId: r.originEventId, reasonEvent: r.given, rootMs: end - r.start, wholeEnd: end, isSetup: r.isSetup });
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
    return { ...p, reasonEvent, reasonId: known === undefined ? null : given, loss, isOffShift: false, partOf: null };
  });
  return out.sort(byStart);
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
