import type { FloorEvent } from '../../core/events.schema.ts';
import { MAX_AWAITING_IN_STATUS, MAX_CLASSIFIED_IN_STATUS, type AwaitingStop, type ClassifiedStop, type StationStatus } from '../../core/live.schema.ts';
import type { Plant } from '../../core/plant.schema.ts';
import type { IndexedLine } from '../../core/plant-index.ts';
import { StationStateFold } from '../../core/station-state/fold.ts';
import { isCertainlyUnseen, isSeen } from '../../core/station-state/seen-seqs.ts';
import { compareAwaiting, compareClassified } from '../../core/station-state/awaiting.ts';

/** Device id of the events that stand for a service status (never a real device's: ids have no spaces). */
const SNAPSHOT_DEVICE = 'service snapshot';

/**
 * A station status as the few events that make the core fold arrive at it again: its counts so far,
 * its open stop and the line's open changeover, its stops awaiting a reason (start and end), the
 * product, and the machine's latest signal. Their ids are the status's own (stop and changeover
 * ids), so the tablet's entries that name them (restart, reason, split, changeover done) apply.
 */
export function statusAsEvents(
  status: StationStatus,
  indexed: IndexedLine,
  isReplayed: (s: AwaitingStop) => boolean = () => true,
  isClassifiedReplayed: (s: ClassifiedStop) => boolean = () => false,
): FloorEvent[] {
  const { line } = indexed;
  const out: FloorEvent[] = [];
  // Nothing seen yet: monitoring starts with the first real event (the tablet's own, maybe).
  const isUnseen = status.state === 'no-data' && status.since === null && status.lastSignalAt === null;
  if (isUnseen && status.good === 0 && status.reject === 0 && !status.stop && !status.changeover && status.awaiting.length === 0) return out;
  let seq = 0;
  const add = (ts: number, stationId: string, payload: Record<string, unknown>, id = `${SNAPSHOT_DEVICE}/${seq}`) =>
    out.push({ v: 1, id, deviceId: SNAPSHOT_DEVICE, seq: seq++, ts, author: SNAPSHOT_DEVICE, lineId: status.lineId, stationId, ...payload } as FloorEvent);
  const machineStation = line.machineStationId ?? line.stations[0]?.id ?? status.stationId;
  const firstTs = Math.min(status.from, status.since ?? Infinity, status.stop?.start ?? Infinity, status.changeover?.start ?? Infinity, ...status.awaiting.map((s) => s.start)) - 1;
  const product = status.changeover?.fromProductId ?? status.productId;
  // The fold takes the product from the latest event that names one. A counter reading of no
  // station names it and does nothing else (a first reading is a baseline, not a count).
  const nameProduct = (ts: number, productId: string | null) => productId !== null && add(ts, SNAPSHOT_DEVICE, { type: 'machine.counter', productId, total: 0 });
  nameProduct(firstTs, product);
  if (status.good > 0 || status.reject > 0) add(status.from, status.stationId, { type: 'count', productId: product ?? '', good: Math.max(0, status.good), reject: status.reject });
  for (const s of status.awaiting) {
    if (!isReplayed(s)) continue;
    if (s.source === 'machine') add(s.start, s.stationId, { type: 'machine.state', state: 'stopped' }, s.stopId);
    else add(s.start, s.stationId, { type: 'stop.start', stopId: s.stopId }, s.stopId);
    if (s.end !== null) add(s.end, s.stationId, s.source === 'machine' ? { type: 'machine.state', state: 'running' } : { type: 'stop.end', stopId: s.stopId });
  }
  // Stops with a reason only when an entry names them (a split of a classified stop).
  for (const s of status.classified ?? []) {
    if (!isClassifiedReplayed(s)) continue;
    if (s.source === 'machine') {
      add(s.start, s.stationId, { type: 'machine.state', state: 'stopped' }, s.stopId);
      add(s.start, s.stationId, { type: 'stop.classify', stopId: s.stopId, reasonId: s.reasonId });
      add(s.end, s.stationId, { type: 'machine.state', state: 'running' });
    } else {
      add(s.start, s.stationId, { type: 'stop.start', stopId: s.stopId, reasonId: s.reasonId }, s.stopId);
      add(s.end, s.stationId, { type: 'stop.end', stopId: s.stopId });
    }
  }
  const stop = status.stop;
  if (stop && !status.awaiting.some((s) => s.stopId === stop.stopId)) {
    const reason = stop.reasonId === null ? {} : { reasonId: stop.reasonId };
    if (stop.source === 'machine') {
      add(stop.start, stop.stationId, { type: 'machine.state', state: 'stopped' }, stop.stopId);
      if (stop.reasonId !== null) add(stop.start, stop.stationId, { type: 'stop.classify', stopId: stop.stopId, reasonId: stop.reasonId });
    } else add(stop.start, stop.stationId, { type: 'stop.start', stopId: stop.stopId, ...reason }, stop.stopId);
  }
  const co = status.changeover;
  if (co) {
    if (co.toProductId === null) add(co.start, co.stationId, { type: 'machine.state', state: 'setup' }, co.changeoverId);
    else add(co.start, co.stationId, { type: 'changeover.start', toProductId: co.toProductId }, co.changeoverId);
  }
  if (status.lastSignalAt !== null) add(status.lastSignalAt, machineStation, { type: 'machine.heartbeat' });
  nameProduct(Math.max(...out.map((e) => e.ts)), status.productId);
  return out;
}

/**
 * The status less the counts a waiting undo takes back that the service already has (the status's
 * counts hold them as one sum, so the fold cannot find them by id); a waiting count's undo is the fold's.
 */
function withoutUndoneCounts(status: StationStatus, waiting: readonly FloorEvent[], own: readonly FloorEvent[]): StationStatus {
  const waitingIds = new Set(waiting.map((e) => e.id));
  const undone = new Set(waiting.flatMap((e) => (e.type === 'void' && !waitingIds.has(e.voids) ? [e.voids] : [])));
  if (undone.size === 0) return status;
  let [good, reject] = [status.good, status.reject];
  for (const e of own)
    if (e.type === 'count' && undone.has(e.id) && e.stationId === status.stationId && e.ts >= status.from) [good, reject] = [good - e.good, reject - e.reject];
  return { ...status, good: Math.max(0, good), reject: Math.max(0, reject) };
}

/** Entries that start or end a stop or changeover: they time the state. */
const TIMING: ReadonlySet<string> = new Set(['stop.start', 'stop.end', 'stop.split', 'changeover.start', 'changeover.end']);

/** What the tablet shows of its station. */
export interface StationLiveView {
  status: StationStatus;
  /** Some of what it shows comes from this tablet's entries the service has not acknowledged yet. */
  hasWaiting: boolean;
}

/**
 * The station as the tablet shows it: the service's last status, with this tablet's waiting
 * entries laid on top through the one core fold (no fold of its own). With nothing waiting it is
 * the service's status as it came. Entries the status already includes (its `seen`) are not laid
 * on again: between a status and their ack they would count twice.
 *
 * Of the stops awaiting a reason (up to 50) only those the entries may touch are replayed through
 * the fold: the ones they name, the open one, and those that ended after the earliest entry (an
 * entry from offline time may overlap them); the others are kept as the status has them. With a
 * correction or void waiting (it may name any event) all are replayed.
 * `now` may be a getter: it is read only when something is laid on.
 * @example overlayStation({ plant, indexed, status, waiting: [], now }).status === status
 */
export function overlayStation(input: { plant: Plant; indexed: IndexedLine; status: StationStatus; waiting: readonly FloorEvent[]; now: number | (() => number); own?: readonly FloorEvent[] }): StationLiveView {
  const unacknowledged = input.waiting.filter((e) => e.lineId === input.status.lineId && !isSeen(input.status.seen, e));
  const waiting = [...acknowledgedNotInStatus(input.status, input.waiting, input.own ?? []), ...unacknowledged];
  if (waiting.length === 0) return { status: input.status, hasWaiting: false };
  const status = withoutUndoneCounts(input.status, waiting, input.own ?? []);
  const replayed = replayedAwaiting(status, waiting);
  const named = namedStops(waiting);
  const isClassifiedReplayed = (s: ClassifiedStop) => named === 'all' || named.has(s.stopId);
  const fold = new StationStateFold(input.plant, input.indexed);
  for (const e of statusAsEvents(status, input.indexed, replayed, isClassifiedReplayed)) fold.add(e);
  for (const e of waiting) fold.add(e);
  // Read no earlier than the newest entry: `now` ticks once a second, and an entry made since the
  // last tick must show the moment it is committed, not at the next tick.
  // The machine's signals reach the tablet only in the service's statuses (which say "no data"
  // themselves when its gateway goes silent): its silence is judged as of the status, so a tablet
  // offline never reads its own missing network as a silent machine.
  const now = typeof input.now === 'number' ? input.now : input.now();
  const folded = fold.read(Math.max(now, status.updatedAt, newestTs(waiting)), status.updatedAt).stations.find((s) => s.stationId === status.stationId);
  if (!folded) return { status, hasWaiting: false };
  const hasWaiting = unacknowledged.length > 0;
  // The stops not replayed are as the status has them; the fold tells the rest.
  const kept = status.awaiting.filter((s) => !replayed(s));
  const awaiting = [...kept, ...folded.awaiting].sort(compareAwaiting).slice(-MAX_AWAITING_IN_STATUS);
  const awaitingCount = folded.awaitingCount + status.awaitingCount - (status.awaiting.length - kept.length);
  // The status's own moment stays unless the entries started or ended something (the events
  // above cannot tell when monitoring began or a gateway came back, which time "running").
  // A split of a stop that has ended (not the open one) times nothing now: the station's state began
  // when the status says, even where the fold, replaying only that stop, would say otherwise.
  const isTiming = (e: FloorEvent) => TIMING.has(e.type) && !(e.type === 'stop.split' && e.stopId !== status.stop?.stopId);
  const isSameState = folded.state === status.state && !waiting.some(isTiming);
  // Likewise the stops with a reason: those not replayed as the status has them, the fold the rest.
  const classified = [...(status.classified ?? []).filter((s) => !isClassifiedReplayed(s)), ...(folded.classified ?? [])].sort(compareClassified).slice(0, MAX_CLASSIFIED_IN_STATUS);
  const { seen: _ownSeen, ...view } = folded;
  const out: StationStatus = { ...view, awaiting, awaitingCount, classified, since: isSameState ? status.since : folded.since, lastSignalAt: status.lastSignalAt, updatedAt: status.updatedAt };
  if (status.seen) out.seen = status.seen;
  // The machine's parts are the service's knowledge: its question stays on the stop it asked about.
  const producing = status.stop?.machineProducingSince;
  if (producing !== undefined && out.stop && out.stop.stopId === status.stop?.stopId) out.stop = { ...out.stop, machineProducingSince: producing };
  return { status: out, hasWaiting };
}

/**
 * This tablet's acknowledged entries at the status's station, in its window, that the status
 * certainly does not include. The service acknowledges an entry before its next status brings
 * it: laid on meanwhile, a count does not vanish from the screen until then (nor for good, when
 * the service goes down in between and the tablet is reloaded offline).
 */
function acknowledgedNotInStatus(status: StationStatus, waiting: readonly FloorEvent[], own: readonly FloorEvent[]): FloorEvent[] {
  if (status.seen === undefined) return [];
  const isWaiting = new Set(waiting.map((e) => e.id));
  return own.filter((e) => !isWaiting.has(e.id) && e.stationId === status.stationId && e.lineId === status.lineId && e.ts >= status.from && isCertainlyUnseen(status.seen, e));
}

/** The time of the newest of `events` (-Infinity for none). */
export function newestTs(events: readonly FloorEvent[]): number {
  let newest = -Infinity;
  for (const e of events) if (e.ts > newest) newest = e.ts;
  return newest;
}

/** The stops the waiting entries name; 'all' with a correction or void waiting (it may name any event). */
function namedStops(waiting: readonly FloorEvent[]): Set<string> | 'all' {
  if (waiting.some((e) => e.type === 'correction' || e.type === 'void')) return 'all';
  const named = new Set<string>();
  for (const e of waiting) if ('stopId' in e) named.add(e.stopId);
  return named;
}

/** Which of the status's awaiting stops the waiting entries may change (see `overlayStation`). */
function replayedAwaiting(status: StationStatus, waiting: readonly FloorEvent[]): (s: AwaitingStop) => boolean {
  const named = namedStops(waiting);
  if (named === 'all') return () => true;
  let earliest = Infinity;
  for (const e of waiting) if (e.ts < earliest) earliest = e.ts;
  const openId = status.stop?.stopId;
  return (s) => s.end === null || s.end >= earliest || s.stopId === openId || named.has(s.stopId);
}
