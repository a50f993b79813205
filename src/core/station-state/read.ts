import type { LossCategory, Plant } from '../plant.schema.ts';
import type { IndexedLine } from '../plant-index.ts';
import { MAX_AWAITING_IN_STATUS, MAX_CLASSIFIED_IN_STATUS, type AwaitingStop, type ClassifiedStop, type LineStatus, type OpenChangeover, type OpenStop, type StationState, type StationStatus } from '../live.schema.ts';
import { hasShiftTime, lineStops, shiftTimeOf, type StopDetail } from '../oee-stops/stop-detail.ts';
import { buildPlan, type Plan } from '../oee/plan.ts';
import { lineRaw } from '../oee/line-figures.ts';
import { noDataSpans } from '../oee/no-data.ts';
import { emptyRaw, finalize } from '../oee/figures.ts';
import type { LineTimeline } from '../oee/line-timeline.ts';
import type { Derived } from './derived.ts';
import type { FoldedLine } from './fold.ts';
import type { ViewWindow } from '../charts/windows.ts';
import { compareAwaiting, compareClassified, isAwaitingReason, isSmallStop } from './awaiting.ts';
import { idealCycleMs, targetGood } from './target.ts';

const plans = new WeakMap<Plant, { key: string; plan: Plan }>();
/** The window's plan, kept per plant while the window stays (a shift): building one asks the calendar. */
export function planOf(plant: Plant, w: Pick<ViewWindow, 'from' | 'to'>): Plan {
  const key = `${w.from}|${w.to}`;
  const hit = plans.get(plant);
  if (hit?.key === key) return hit.plan;
  const plan = buildPlan(plant.calendar, w.from, w.to, 'window');
  plans.set(plant, { key, plan });
  return plan;
}

const offShiftMemo = new WeakMap<Plant, Map<string, boolean>>();
/**
 * True when [start, from) holds no shift time (the calendar asked over the stop's time before the
 * window). Kept per plant, stop start and window: the live status is read every second, and a stop
 * open since the weekend would ask the calendar for days of shifts each time.
 */
function offShiftBeforeWindow(plant: Plant, start: number, from: number): boolean {
  let memo = offShiftMemo.get(plant);
  if (!memo) offShiftMemo.set(plant, (memo = new Map()));
  const key = `${start}|${from}`;
  let hit = memo.get(key);
  if (hit === undefined) {
    if (memo.size > 256) memo.clear();
    memo.set(key, (hit = !hasShiftTime(start, from, shiftTimeOf(plant.calendar, start, from))));
  }
  return hit;
}

/** Good and reject of one timeline in the window at `now`, summed by the engine's count store. */
function countsOf(tl: LineTimeline, plan: Plan, now: number): { good: number; reject: number } {
  const total = emptyRaw();
  tl.counts.sumInto(
    plan,
    now,
    plan.buckets.map(() => emptyRaw()),
    total,
  );
  return { good: total.good, reject: total.reject };
}

const openStopOf = (s: StopDetail): OpenStop => ({ stopId: s.id, start: s.start, reasonId: s.reasonId, isSmallStop: isSmallStop(s), source: s.source, stationId: s.stationId, ...(s.isOffShift ? { isOffShift: true } : {}) });
const classifiedOf = (s: StopDetail & { reasonId: string }): ClassifiedStop => ({ stopId: s.id, start: s.start, end: s.end, reasonId: s.reasonId, stationId: s.stationId, source: s.source, isSmallStop: isSmallStop(s) });
const awaitingOf = (s: StopDetail): AwaitingStop => ({ stopId: s.id, start: s.start, end: s.isOpen ? null : s.end, stationId: s.stationId, source: s.source, isSmallStop: isSmallStop(s) });

/** An operator's open stop while the machine makes parts after it began: the screens ask whether it is over. */
const withProducing = (stop: OpenStop, since: number | null): OpenStop => (since !== null && since >= stop.start ? { ...stop, machineProducingSince: since } : stop);

/** The earliest-started stop in `stops` (the one the line or station has been stopped since). */
const earliest = (stops: readonly StopDetail[]): StopDetail | null => stops.reduce<StopDetail | null>((a, s) => (a === null || s.start < a.start ? s : a), null);

interface Facts {
  isScheduled: boolean;
  isNoData: boolean;
  noDataSince: number | null;
  stop: StopDetail | null;
  changeover: OpenChangeover | null;
  /** Ends of the stops and changeovers that are over, and other moments running resumed. */
  resumedAt: number | null;
}

/** The one precedence of states: not scheduled, no data, stopped, changeover, running (ADR 0008). */
function stateOf(f: Facts): { state: StationState; since: number | null } {
  if (!f.isScheduled) return { state: 'not-scheduled', since: null };
  if (f.isNoData) return { state: 'no-data', since: f.noDataSince };
  if (f.stop) return { state: 'stopped', since: f.stop.start };
  if (f.changeover) return { state: 'changeover', since: f.changeover.start };
  return { state: 'running', since: f.resumedAt };
}

/** Latest end at or before `now` of these stops, or `floor`. */
function lastEnd(stops: readonly StopDetail[], floor: number | null): number | null {
  let at = floor;
  for (const s of stops) if (!s.isOpen && (at === null || s.end > at)) at = s.end;
  return at;
}

/** Reads the fold's present from its derived structures. */
export function readLine(plant: Plant, indexed: IndexedLine, d: Derived, w: ViewWindow, losses: ReadonlyMap<string, LossCategory>, now: number, signalsHeardUntil = now): FoldedLine {
  const { line, path } = indexed;
  const plan = planOf(plant, w);
  // No-data time is not planned time, as in the OEE engine (ADR 0008/0009): the spans the fold can
  // know (before monitoring, gateway silences); the service's own downtime is the engine's only.
  const fig = finalize(lineRaw(d.line, plan, now, losses, noDataSpans(d.line, now, { signalsHeardUntil })).total);
  const target = targetGood(fig.plannedMs, line.targetOee, idealCycleMs(line, d.product));
  // Stops are read just after `now`, so a stop that starts at `now` is already open.
  // Stops wholly in the window's breaks await no reason (shift time is the plan's pieces). One that
  // began before the window is asked of the calendar for its time before it (the window's plan does
  // not know it): a stop since Saturday night's shift still needs its reason on Sunday, one since
  // after that shift's end does not, as in the stop list.
  const offShiftBefore = (s: StopDetail) => offShiftBeforeWindow(plant, s.start, w.from);
  const stops = lineStops(line, d.stops, now + 1, losses, { start: plan.pieceStart, end: plan.pieceEnd }).stops.map((s) =>
    s.isOpen || (s.isOffShift && s.start < w.from) ? { ...s, end: s.isOpen ? now : s.end, isOffShift: s.isOffShift && (s.start >= w.from || offShiftBefore(s)) } : s,
  );
  const open = stops.filter((s) => s.isOpen);
  // A machine setup inside the operator's changeover is that changeover (it knows the products).
  const setup = open.filter((s) => s.isSetup && s.partOf === null).reduce<StopDetail | null>((a, s) => (a === null || s.start >= a.start ? s : a), null);
  const changeover: OpenChangeover | null = setup && {
    changeoverId: setup.id,
    start: setup.start,
    fromProductId: d.changeovers.get(setup.id)?.from ?? null,
    toProductId: d.changeovers.get(setup.id)?.to ?? null,
    stationId: setup.stationId,
  };
  const monitoredFrom = line.monitoredFrom === undefined ? d.firstTs : Date.parse(line.monitoredFrom);
  const isBeforeMonitoring = monitoredFrom === null || now < monitoredFrom;
  // Judged where the signals could be heard (see `Monitoring.signalsHeardUntil`): the same rule as the spans above.
  const isSilent = d.lastSignalAt !== null && Math.min(now, signalsHeardUntil) - d.lastSignalAt > line.heartbeatTimeoutSec * 1000;
  const machineStationId = line.machineStationId ?? line.stations[0]?.id;
  // A part of a stop that reaches into the window stays with it, however early it was split off:
  // the tablet asked about the whole stop, so the part before the window still needs its answer.
  const reaches = (s: StopDetail) => (s.wholeEnd ?? s.end) > w.from;
  const awaiting = stops.filter((s) => isAwaitingReason(s) && reaches(s));
  const setups = stops.filter((s) => s.isSetup);
  const productId = d.product;

  // Statuses are built field by field: an object spread here cost 25 µs per station (V8's slow
  // clone path) and most of a busy service's garbage.
  const stations = line.stations.map((st): StationStatus => {
    const isMachine = st.id === machineStationId;
    const mine = stops.filter((s) => s.stationId === st.id && !s.isSetup);
    const stop = earliest(mine.filter((s) => s.isOpen));
    const resumedFloor = Math.max(monitoredFrom ?? -Infinity, isMachine ? d.gapEnd : -Infinity);
    const { state, since } = stateOf({
      isScheduled: w.shiftId !== null,
      isNoData: isBeforeMonitoring || (isMachine && isSilent),
      noDataSince: isBeforeMonitoring ? null : d.lastSignalAt,
      stop,
      changeover,
      resumedAt: lastEnd([...mine, ...setups], Number.isFinite(resumedFloor) ? resumedFloor : null),
    });
    const waiting = awaiting.filter((s) => s.stationId === st.id);
    const classified = mine
      .filter((s): s is StopDetail & { reasonId: string } => !s.isOpen && s.reasonId !== null && reaches(s))
      .map(classifiedOf)
      .sort(compareClassified)
      .slice(0, MAX_CLASSIFIED_IN_STATUS);
    const tl = d.stations.get(st.id);
    const counts = tl ? countsOf(tl, plan, now) : { good: 0, reject: 0 };
    return {
      v: 1,
      siteId: path.site,
      areaId: path.area,
      lineId: line.id,
      stationId: st.id,
      state,
      since,
      stop: stop && withProducing(openStopOf(stop), isMachine && stop.source === 'operator' ? d.producingAt(now) : null),
      changeover,
      productId,
      shiftId: w.shiftId,
      from: w.from,
      good: counts.good,
      reject: counts.reject,
      target,
      awaiting: waiting.map(awaitingOf).sort(compareAwaiting).slice(-MAX_AWAITING_IN_STATUS),
      awaitingCount: waiting.length,
      classified,
      lastSignalAt: d.lastSignalAt,
      updatedAt: now,
    };
  });

  const lineStop = earliest(open.filter((s) => !s.isSetup));
  const floor = Math.max(monitoredFrom ?? -Infinity, d.gapEnd);
  const { state, since } = stateOf({
    isScheduled: w.shiftId !== null,
    isNoData: isBeforeMonitoring || isSilent,
    noDataSince: isBeforeMonitoring ? null : d.lastSignalAt,
    stop: lineStop,
    changeover,
    resumedAt: lastEnd(stops, Number.isFinite(floor) ? floor : null),
  });
  const status: LineStatus = {
    v: 1,
    siteId: path.site,
    areaId: path.area,
    lineId: line.id,
    state,
    since,
    stopId: lineStop?.id ?? null,
    reasonId: lineStop?.reasonId ?? null,
    isAwaitingReason: lineStop !== null && isAwaitingReason(lineStop) && !isSmallStop(lineStop),
    ...(lineStop?.isOffShift ? { isOffShift: true } : {}),
    isSmallStop: lineStop !== null && isSmallStop(lineStop),
    changeover,
    productId,
    shiftId: w.shiftId,
    operatorId: d.operatorId,
    good: fig.good,
    reject: fig.reject,
    target,
    awaitingCount: awaiting.length,
    lastSignalAt: d.lastSignalAt,
    updatedAt: now,
  };
  return { line: status, stations };
}
