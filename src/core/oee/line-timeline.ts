import type { CorrectablePayload, EventEnvelope } from '../events.schema.ts';
import type { Line } from '../plant.schema.ts';
import { CountRows, countRow, type CountStore } from './count-store.ts';
import { StopTable } from './stop-table.ts';

/** An event as the engine sees it after corrections: the original envelope with the effective payload. */
export type EffectiveEvent = EventEnvelope & CorrectablePayload;
export type CountEvent = Extract<EffectiveEvent, { type: 'count' }>;

export interface SplitRecord {
  ts: number;
  stopId: string;
  at: number;
  newStopId: string;
  reasonId: string | null;
}

interface StationState {
  state: string;
  /** Row of the stop this station's machine state opened, or -1. */
  openStop: number;
  lastTotal: number;
  lastReject: number;
}

/** Open stops scanned for an id before the id index is asked instead (see findOpen). */
const MAX_OPEN_SCAN = 8;

/** Default seconds after a changeover end in which rejects are start-up losses (reduced yield). */
export const DEFAULT_STARTUP_REJECT_WINDOW_SEC = 600;

/**
 * Everything the figures of one line need, built by pushing its effective events in sort order
 * (ts, deviceId, seq, id). Each push is O(1) amortised; batch and accumulator share this, so they
 * cannot disagree on what an event means.
 */
/**
 * Parts a cumulative machine counter made since its previous reading `last` (NaN before the first).
 * The first reading is the baseline (0); a drop is a reset, so the new total is what was made since.
 */
export function counterDelta(last: number, total: number): number {
  return Number.isNaN(last) ? 0 : total >= last ? total - last : total;
}

export class LineTimeline {
  readonly stops = new StopTable();
  /** Rows of stops still open: a handful at most, so ends are matched by a scan instead of a map of every stop. */
  private readonly open: number[] = [];
  readonly splits: SplitRecord[] = [];
  /** Counts: rows for live reports, or folded into bucket sums for one batch report. */
  readonly counts: CountStore;

  /** Ideal cycle time per product, ms: now, and the earlier ones with the instant each ended (issue 13). */
  private readonly ict = new Map<string, { now: number; earlier: Array<{ until: number; ms: number }> }>();
  private readonly stations = new Map<string, StationState>();
  private readonly pendingEnds = new Map<string, number>();
  private product: string;
  private lastProduct = '';
  private lastIct = 0;
  /** The counts' times for which lastIct holds: [lastIctFrom, lastIctUntil). */
  private lastIctFrom = Infinity;
  private lastIctUntil = -Infinity;
  /** Row of the open changeover's stop, or -1. */
  private openChangeover = -1;
  private lastChangeoverEnd = -Infinity;
  private readonly startupWindowMs: number;
  /** Time of the first event pushed (events come in order, so the earliest): monitoring starts here. */
  firstTs = Infinity;
  /** The station whose signals show the line has a gateway (docs/adr/0009-no-data.md). */
  private readonly machineStationId: string;
  private readonly heartbeatTimeoutMs: number;
  /** Machine-station signals: the first and the last heard, and the silences longer than the timeout between them. */
  firstSignal = Infinity;
  lastSignal = -Infinity;
  readonly silenceStart: number[] = [];
  readonly silenceEnd: number[] = [];

  constructor(
    readonly line: Line,
    counts: CountStore = new CountRows(),
  ) {
    this.counts = counts;
    for (const p of line.products) {
      const earlier = (p.idealCycleTimeBefore ?? []).map((e) => ({ until: Date.parse(e.until), ms: e.idealCycleTimeSec * 1000 })).sort((a, b) => a.until - b.until);
      this.ict.set(p.productId, { now: p.idealCycleTimeSec * 1000, earlier });
    }
    this.product = line.products[0]?.productId ?? '';
    this.startupWindowMs = (line.startupRejectWindowSec ?? DEFAULT_STARTUP_REJECT_WINDOW_SEC) * 1000;
    this.machineStationId = line.machineStationId ?? line.stations[0]?.id ?? '';
    this.heartbeatTimeoutMs = line.heartbeatTimeoutSec * 1000;
  }

  /** Heartbeat timeout of the line's gateway, ms. */
  get silenceTimeoutMs(): number {
    return this.heartbeatTimeoutMs;
  }

  /** Applies one effective event; events must come in sort order. */
  push(e: EffectiveEvent): void {
    // Counts are most events and share one shape: their `ts` read stays monomorphic and unboxed.
    // Reading `ts` of every other type in this same function made TurboFan box every read (one
    // number per event), so those go through a method of their own.
    if (e.type === 'count') this.pushCount(e);
    else this.pushOther(e);
  }

  /** `push` for a count, for callers that already know its type. */
  pushCount(e: CountEvent): void {
    countRow[0] = e.ts; // see countRow: no double crosses a call
    if (this.firstTs === Infinity) this.firstTs = e.ts;
    this.addCount(e.productId, e.good, e.reject, e.good + e.reject);
  }

  /** `pushCount` for a caller that has already put the count's time into countRow[0]. */
  pushCountAt(e: CountEvent): void {
    if (this.firstTs === Infinity) this.firstTs = countRow[0] as number;
    this.addCount(e.productId, e.good, e.reject, e.good + e.reject);
  }

  private pushOther(e: EffectiveEvent): void {
    if (this.firstTs === Infinity) this.firstTs = e.ts;
    switch (e.type) {
      case 'count':
        countRow[0] = e.ts;
        this.addCount(e.productId, e.good, e.reject, e.good + e.reject);
        return;
      case 'machine.heartbeat':
        this.signal(e.ts, e.stationId);
        return;
      case 'machine.counter':
        this.signal(e.ts, e.stationId);
        this.counter(e.ts, e.stationId, e.total, e.rejectTotal, e.productId);
        return;
      case 'stop.start':
        this.openStop(e.stopId, e.ts, e.reasonId ?? null, false);
        return;
      case 'stop.end': {
        const stop = this.findOpen(e.stopId);
        if (stop >= 0) this.close(stop, e.ts);
        // An end before its start (clock skew) waits for the start; a repeated end changes nothing.
        else if (!this.pendingEnds.has(e.stopId)) this.pendingEnds.set(e.stopId, e.ts);
        return;
      }
      case 'stop.classify':
        this.stops.classify(e.stopId, e.ts, e.reasonId);
        return;
      case 'stop.split':
        this.splits.push({ ts: e.ts, stopId: e.stopId, at: e.at, newStopId: e.newStopId, reasonId: e.reasonId ?? null });
        return;
      case 'machine.state':
        this.signal(e.ts, e.stationId);
        this.machineState(e.id, e.ts, e.stationId, e.state);
        return;
      case 'changeover.start':
        this.closeChangeover(e.ts);
        this.product = e.toProductId;
        this.openChangeover = this.openStop(e.id, e.ts, null, true);
        return;
      case 'changeover.end':
        this.closeChangeover(e.ts);
        this.product = e.productId;
        this.lastChangeoverEnd = e.ts;
        return;
      case 'scrap':
        countRow[0] = e.ts;
        this.addCount(e.productId, -e.quantity, e.quantity, 0);
        return;
      case 'note':
      case 'handover':
      case 'handover.ack':
      case 'andon.raise':
      case 'andon.ack':
      case 'andon.escalate':
      case 'andon.resolve':
        return;
    }
  }

  /** A gateway signal: a silence longer than the heartbeat timeout since the last one is recorded. */
  private signal(ts: number, stationId: string): void {
    if (stationId !== this.machineStationId) return;
    if (this.firstSignal === Infinity) this.firstSignal = ts;
    else if (ts - this.lastSignal > this.heartbeatTimeoutMs) {
      this.silenceStart.push(this.lastSignal);
      this.silenceEnd.push(ts);
    }
    this.lastSignal = ts;
  }

  /** Adds a count at countRow[0]. */
  private addCount(productId: string, good: number, reject: number, idealParts: number): void {
    const ts = countRow[0] as number;
    // The same product runs for hours at one ideal cycle time: skip the lookup while it does.
    if (productId !== this.lastProduct || ts >= this.lastIctUntil || ts < this.lastIctFrom) {
      this.lastProduct = productId;
      this.idealCycleAt(productId, ts);
    }
    countRow[1] = good;
    countRow[2] = reject;
    countRow[3] = idealParts * this.lastIct;
    countRow[4] = reject * this.lastIct;
    countRow[5] = ts >= this.lastChangeoverEnd && ts - this.lastChangeoverEnd < this.startupWindowMs ? 1 : 0;
    this.counts.add();
  }

  /** Sets lastIct to the product's ideal cycle time at `ts`, and the span it holds for. */
  private idealCycleAt(productId: string, ts: number): void {
    const ict = this.ict.get(productId);
    let from = -Infinity;
    for (const e of ict?.earlier ?? []) {
      if (ts < e.until) {
        this.lastIct = e.ms;
        this.lastIctFrom = from;
        this.lastIctUntil = e.until;
        return;
      }
      from = e.until;
    }
    this.lastIct = ict?.now ?? 0;
    this.lastIctFrom = from;
    this.lastIctUntil = Infinity;
  }

  private station(id: string): StationState {
    let s = this.stations.get(id);
    if (!s) {
      s = { state: 'running', openStop: -1, lastTotal: Number.NaN, lastReject: Number.NaN };
      this.stations.set(id, s);
    }
    return s;
  }

  /** Cumulative counters: delta from the previous reading; a drop is a reset (delta = new value); the first reading is the baseline. */
  private counter(ts: number, stationId: string, total: number, rejectTotal: number | undefined, productId: string | undefined): void {
    const s = this.station(stationId);
    const delta = counterDelta(s.lastTotal, total);
    s.lastTotal = total;
    let rejects = 0;
    if (rejectTotal !== undefined) {
      rejects = counterDelta(s.lastReject, rejectTotal);
      s.lastReject = rejectTotal;
    }
    rejects = Math.min(rejects, delta);
    if (delta > 0) {
      countRow[0] = ts;
      this.addCount(productId ?? this.product, delta - rejects, rejects, delta);
    }
  }

  private machineState(eventId: string, ts: number, stationId: string, state: string): void {
    const s = this.station(stationId);
    if (state === s.state) return;
    if (s.openStop >= 0) this.close(s.openStop, ts);
    s.openStop = state === 'running' ? -1 : this.openStop(eventId, ts, null, state === 'setup');
    s.state = state;
  }

  private closeChangeover(ts: number): void {
    if (this.openChangeover >= 0) this.close(this.openChangeover, ts);
    this.openChangeover = -1;
  }

  /**
   * Row of the open stop with this id, or -1. A handful of open stops are scanned (the ids are
   * usually the very strings compared). Many open stops (ends lost for months) go through the id
   * index instead, where a scan per event made a year quadratic: a
   * row is only opened while no row with its id is open, and never reopened, so an open row with
   * this id can only be the id's latest row.
   */
  private findOpen(id: string): number {
    const open = this.open;
    if (open.length > MAX_OPEN_SCAN) {
      const row = this.stops.latestRow(id);
      return row >= 0 && this.stops.end[row] === Infinity ? row : -1;
    }
    for (let i = open.length - 1; i >= 0; i--) {
      const row = open[i] as number;
      if (this.stops.id[row] === id) return row;
    }
    return -1;
  }

  /** The first end wins; an end before the start makes an empty stop. */
  private close(row: number, ts: number): void {
    const { start, end } = this.stops;
    if (end[row] !== Infinity) return;
    end[row] = Math.max(start[row] as number, ts);
    // From the end: the stop closing is nearly always one of the last opened.
    const i = this.open.lastIndexOf(row);
    if (i >= 0) {
      this.open[i] = this.open[this.open.length - 1] as number;
      this.open.pop();
    }
  }

  /** Opens a stop unless one with this id is open already (a repeated start); returns its row or -1. */
  private openStop(id: string, ts: number, reasonId: string | null, isSetup: boolean): number {
    if (this.findOpen(id) >= 0) return -1;
    const pendingEnd = this.pendingEnds.size > 0 ? this.pendingEnds.get(id) : undefined;
    const end = pendingEnd === undefined ? Infinity : Math.max(ts, pendingEnd);
    const row = this.stops.add(id, ts, end, reasonId, isSetup);
    if (end === Infinity) this.open.push(row);
    return row;
  }
}
