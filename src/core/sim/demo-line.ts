import type { FloorEvent } from '../events.schema.ts';
import { MachineModel, type MachineChange, type MachineProfile } from './machine-model.ts';
import type { WorkTime } from './work-time.ts';

/** Who sends a simulated line's events, and where. */
export interface LineActors {
  lineId: string;
  /** The line's machine station (machineStationOf): where the gateway's signals go. */
  machineStationId: string;
  gateway: { userId: string; deviceId: string };
  /** The crews' tablet at the machine station; null when no operator may work there. */
  tablet: { deviceId: string; stationId: string; operators: readonly string[] } | null;
  /** Where the quality check books scrap (the line's last station). */
  scrapStationId: string;
}

/** What the crews do besides the machine: classify its faults and changeovers, book scrap. */
export interface CrewProfile {
  changeoverReasonId: string | null;
  scrapPerHour: number;
  scrapReasonIds: readonly string[];
}

/** How the line's events go out. */
export interface EmitMode {
  /** Sampling period of the gateway: a counter reading when the count moved. */
  sampleMs: number;
  /** Time between heartbeats, drawn from this range. */
  heartbeatMs: readonly [number, number];
  /** Heartbeat only at a reading when no other signal went out for that long (keeps the backfill small). */
  isHeartbeatQuiet: boolean;
  /** Play the crews too (the backfill); live, real people use the tablets. */
  hasCrew: boolean;
}

/** An event before its device sequence number is given (DemoPlantSim numbers them in time order). */
export type Draft = FloorEvent;

interface Totals {
  productId: string;
  total: number;
  rejectTotal: number;
}

/** Where one run's events go. */
interface Emit {
  out: Draft[];
  newId: (ts: number) => string;
  mode: EmitMode;
}

/**
 * One simulated line: its machine model, the gateway that reports it (state changes, counter
 * readings, heartbeats) and, in the backfill, the crews' entries on the tablet. A gateway outage
 * drops every signal in its window; the gateway comes back with its counters restarted from zero.
 */
export class DemoLine {
  readonly model: MachineModel;
  #nextSample: number;
  #nextHeartbeat: number;
  #nextScrapAt: number;
  #lastSignalAt = Number.NEGATIVE_INFINITY;
  #sentTotal = -1;
  #offset = { total: 0, reject: 0 };
  #isDown = false;
  /** The open machine stop's event id, and the operator's reason for it once it ends. */
  #openStop: { id: string; reasonId: string | null } | null = null;
  #changeoverStop: string | null = null;
  #pending: Array<{ ts: number; payload: Record<string, unknown> }> = [];
  #lastAuthor: string;
  #needsState = true;

  constructor(
    readonly actors: LineActors,
    readonly profile: MachineProfile,
    readonly crew: CrewProfile,
    private readonly work: WorkTime,
    private readonly random: () => number,
    start: number,
    readonly outage: { from: number; to: number } | null = null,
  ) {
    this.model = new MachineModel(profile, random, work, start);
    this.#nextSample = start;
    this.#nextHeartbeat = start;
    this.#nextScrapAt = start + this.#exp(crew.scrapPerHour);
    this.#lastAuthor = actors.tablet?.operators[0] ?? actors.gateway.userId;
  }

  /** Sampling restarts at `at` with a new mode (the live simulator taking over from the backfill). */
  resample(at: number): void {
    this.#nextSample = at;
    this.#nextHeartbeat = at;
  }

  /**
   * Advances the machine to `to` with nobody watching (the demo was not running): the gateway then
   * reports as after an outage, its counters restarted, and the crews forget what they meant to enter.
   */
  skip(to: number): void {
    this.model.advance(to);
    this.#isDown = true;
    this.#pending = [];
    this.#openStop = null;
    this.#changeoverStop = null;
  }

  #exp(perHour: number): number {
    return perHour <= 0 ? Number.POSITIVE_INFINITY : (-Math.log(1 - this.random()) / perHour) * 3600_000;
  }

  #isGatewayUp(t: number): boolean {
    return this.outage === null || t < this.outage.from || t >= this.outage.to;
  }

  /** The operator of the shift at `t`: the crews take turns shift by shift. */
  #author(t: number): string {
    const ops = this.actors.tablet?.operators ?? [];
    const shift = this.work.at(t).shift;
    if (shift && ops.length > 0) this.#lastAuthor = ops[Math.floor(shift.start / (8 * 3600_000)) % ops.length] as string;
    return this.#lastAuthor;
  }

  /** The line's events of (model time, `to`], in time order, each made with an id from `newId`. */
  run(to: number, mode: EmitMode, newId: (ts: number) => string): Draft[] {
    const out: Draft[] = [];
    const emit = { out, newId, mode };
    for (;;) {
      const s = Math.min(this.#nextSample, to);
      for (const c of this.model.advance(s)) this.#onChange(c, emit);
      if (mode.hasCrew) this.#crew(s, emit);
      if (s < this.#nextSample) break;
      this.#sample(s, emit);
      this.#nextSample = s + mode.sampleMs;
      if (s >= to) break;
    }
    out.sort((a, b) => a.ts - b.ts);
    return out;
  }

  #gw(ts: number, payload: Record<string, unknown>, e: Emit): Draft {
    this.#lastSignalAt = ts;
    const event = { v: 1, id: e.newId(ts), deviceId: this.actors.gateway.deviceId, seq: 0, ts, author: this.actors.gateway.userId, lineId: this.actors.lineId, stationId: this.actors.machineStationId, ...payload } as Draft;
    e.out.push(event);
    return event;
  }

  #counter(ts: number, c: Totals, e: Emit): void {
    this.#sentTotal = c.total;
    this.#gw(ts, { type: 'machine.counter', productId: c.productId, total: c.total - this.#offset.total, rejectTotal: c.rejectTotal - this.#offset.reject }, e);
  }

  #op(ts: number, payload: Record<string, unknown>, e: Emit, stationId?: string): Draft {
    const tablet = this.actors.tablet as NonNullable<LineActors['tablet']>;
    const event = { v: 1, id: e.newId(ts), deviceId: tablet.deviceId, seq: 0, ts, author: this.#author(ts), lineId: this.actors.lineId, stationId: stationId ?? tablet.stationId, ...payload } as Draft;
    e.out.push(event);
    return event;
  }

  /**
   * The machine's state and a counter baseline: the gateway's first report, and its first after an
   * outage, when a rebooted gateway's counters start again at zero.
   */
  #report(ts: number, totals: Totals & { state: string }, e: Emit): Draft {
    if (this.#isDown) this.#offset = { total: totals.total, reject: totals.rejectTotal };
    this.#isDown = false;
    this.#needsState = false;
    const signal = this.#gw(ts, { type: 'machine.state', state: totals.state }, e);
    this.#counter(ts, totals, e);
    return signal;
  }

  #sample(s: number, e: Emit): void {
    if (!this.#isGatewayUp(s)) {
      this.#isDown = true;
      return;
    }
    const m = this.model;
    const totals = { state: m.state, productId: m.productId, total: m.total, rejectTotal: m.rejectTotal };
    if (this.#isDown || this.#needsState) this.#report(s, totals, e);
    else if (m.total !== this.#sentTotal) this.#counter(s, totals, e);
    const { heartbeatMs, isHeartbeatQuiet } = e.mode;
    if (isHeartbeatQuiet ? s - this.#lastSignalAt >= heartbeatMs[0] : s >= this.#nextHeartbeat) {
      this.#gw(s, { type: 'machine.heartbeat' }, e);
      this.#nextHeartbeat = s + heartbeatMs[0] + this.random() * (heartbeatMs[1] - heartbeatMs[0]);
    }
  }

  #onChange(c: MachineChange, e: Emit): void {
    const hasTablet = e.mode.hasCrew && this.actors.tablet !== null;
    // The stop that just ended gets its reason a minute or two later, from the shift's operator.
    const ended = this.#openStop;
    this.#openStop = null;
    if (ended && hasTablet && ended.reasonId !== null)
      this.#pending.push({ ts: c.ts + 30_000 + Math.floor(this.random() * 150_000), payload: { type: 'stop.classify', stopId: ended.id, reasonId: ended.reasonId } });
    if (hasTablet && this.#changeoverStop !== null && c.state !== 'setup') {
      this.#op(c.ts, { type: 'changeover.end', productId: c.productId }, e);
      const reasonId = this.crew.changeoverReasonId;
      if (reasonId !== null)
        for (const stopId of [this.#changeoverStop, ...(ended ? [ended.id] : [])]) this.#pending.push({ ts: c.ts + 20_000, payload: { type: 'stop.classify', stopId, reasonId } });
      this.#changeoverStop = null;
    }
    if (hasTablet && c.isChangeover) this.#changeoverStop = this.#op(c.ts, { type: 'changeover.start', toProductId: c.productId }, e).id;
    if (!this.#isGatewayUp(c.ts)) {
      this.#isDown = true;
      return;
    }
    let signal: Draft;
    if (this.#isDown || this.#needsState) signal = this.#report(c.ts, c, e);
    else {
      // The count up to the change, then the change: counts made before a stop stay before it.
      this.#counter(c.ts, c, e);
      signal = this.#gw(c.ts, { type: 'machine.state', state: c.state }, e);
    }
    if (c.state === 'fault') this.#openStop = { id: signal.id, reasonId: c.cause?.reasonId ?? null };
    else if (c.state === 'setup') this.#openStop = { id: signal.id, reasonId: null };
  }

  /** The crews' entries due by `s`: reasons given after a stop, and scrap found at the quality check. */
  #crew(s: number, e: Emit): void {
    if (!this.actors.tablet) return;
    if (this.#pending.some((p) => p.ts <= s)) {
      for (const p of this.#pending.filter((q) => q.ts <= s)) this.#op(p.ts, p.payload, e);
      this.#pending = this.#pending.filter((p) => p.ts > s);
    }
    while (this.#nextScrapAt <= s) {
      const at = Math.floor(this.#nextScrapAt);
      this.#nextScrapAt += Math.max(60_000, this.#exp(this.crew.scrapPerHour));
      const reasons = this.crew.scrapReasonIds;
      if (!this.work.at(at).isWorking || reasons.length === 0) continue;
      const reasonId = reasons[Math.floor(this.random() * reasons.length)] as string;
      this.#op(at, { type: 'scrap', productId: this.model.productId, quantity: 1 + Math.floor(this.random() * 4), reasonId }, e, this.actors.scrapStationId);
    }
  }
}
