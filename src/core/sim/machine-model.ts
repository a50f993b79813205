import type { machineStates } from '../events.schema.ts';
import type { WorkTime } from './work-time.ts';

export type MachineState = (typeof machineStates)[number];

/** A kind of breakdown: how often it hits a running machine and how long it lasts. */
export interface FaultCause {
  /** The reason the operator will give it; null: nobody classifies it. */
  reasonId: string | null;
  perHour: number;
  minutes: readonly [number, number];
}

/** How a simulated machine behaves; every rate is per hour of running time. */
export interface MachineProfile {
  products: readonly { productId: string; idealCycleTimeSec: number }[];
  /** Jams and sensor trips, shorter than the line's small-stop threshold. */
  minorStopsPerHour: number;
  minorStopSec: readonly [number, number];
  faults: readonly FaultCause[];
  /** Time from one changeover to the next, and how long one takes. */
  changeoverEveryHours: readonly [number, number];
  changeoverMinutes: readonly [number, number];
  /** Fraction of the ideal rate while running; drawn anew after every stop. */
  speed: readonly [number, number];
  rejectRate: number;
  /** Reject rate while the machine runs in after a changeover (`startupMs`). */
  startupRejectRate: number;
  startupMs: number;
}

/** One state change, with the cumulative counters at that instant. */
export interface MachineChange {
  ts: number;
  state: MachineState;
  /** The product made from this change on (the new one when a changeover starts). */
  productId: string;
  total: number;
  rejectTotal: number;
  /** A fault's cause. */
  cause?: FaultCause;
  /** A `setup` that is a product changeover (always, in this model). */
  isChangeover?: boolean;
}

type Next = 'minor' | 'fault' | 'changeover' | 'end' | 'work';

/**
 * A machine as its gateway sees it, driven by events rather than ticks, so the same seed gives the
 * same history whether it is advanced a month at a time (the demo's backfill) or five seconds at a
 * time (the live simulator). It runs in working time at a varying fraction of the ideal rate, with
 * rejects (more right after a changeover), minor stops, faults of the profile's causes and a product
 * changeover every few hours; it stands (`idle`) in breaks and outside shifts.
 */
export class MachineModel {
  state: MachineState = 'idle';
  total = 0;
  rejectTotal = 0;
  #product = 0;
  #at: number;
  #nextAt: number;
  #next: Next = 'work';
  #cause: FaultCause | undefined;
  #speed: number;
  #fraction = 0;
  #nextChangeoverAt: number;
  #lastChangeoverEnd = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly profile: MachineProfile,
    private readonly random: () => number,
    private readonly work: WorkTime,
    start: number,
  ) {
    this.#at = start;
    this.#nextAt = start;
    this.#speed = this.#between(profile.speed);
    this.#nextChangeoverAt = start + this.#between(profile.changeoverEveryHours) * 3600_000 * random();
  }

  get productId(): string {
    return (this.profile.products[this.#product] as { productId: string }).productId;
  }

  /** Time the model has been advanced to. */
  get at(): number {
    return this.#at;
  }

  /** Advances to `to` (inclusive of changes at `to`); returns the state changes in time order. */
  advance(to: number): MachineChange[] {
    const changes: MachineChange[] = [];
    while (this.#nextAt <= to) {
      if (this.state === 'running') this.#produce(this.#at, this.#nextAt);
      this.#at = this.#nextAt;
      const change = this.#transition(this.#at);
      if (change) changes.push(change);
    }
    if (this.state === 'running') this.#produce(this.#at, to);
    this.#at = Math.max(this.#at, to);
    return changes;
  }

  #between(range: readonly [number, number]): number {
    return range[0] + this.random() * (range[1] - range[0]);
  }

  /** Time to the next event of a Poisson process with `perHour`, ms. */
  #exp(perHour: number): number {
    return perHour <= 0 ? Number.POSITIVE_INFINITY : (-Math.log(1 - this.random()) / perHour) * 3600_000;
  }

  #produce(from: number, to: number): void {
    if (to <= from) return;
    const product = this.profile.products[this.#product] as { idealCycleTimeSec: number };
    const made = ((to - from) / 1000 / product.idealCycleTimeSec) * this.#speed + this.#fraction;
    const whole = Math.floor(made);
    this.#fraction = made - whole;
    const rate = to - this.#lastChangeoverEnd < this.profile.startupMs ? this.profile.startupRejectRate : this.profile.rejectRate;
    let rejects = 0;
    for (let i = 0; i < whole; i++) if (this.random() < rate) rejects++;
    this.total += whole;
    this.rejectTotal += rejects;
  }

  #change(ts: number, state: MachineState, extra: Partial<MachineChange> = {}): MachineChange {
    this.state = state;
    return { ts, state, productId: this.productId, total: this.total, rejectTotal: this.rejectTotal, ...extra };
  }

  /** What happens at `t`, and when the next thing will. */
  #transition(t: number): MachineChange | null {
    const w = this.work.at(t);
    if (!w.isWorking) {
      this.#nextAt = w.until;
      this.#next = 'work';
      return this.state === 'idle' ? null : this.#change(t, 'idle');
    }
    if (this.state === 'running' && this.#next !== 'end' && this.#next !== 'work') {
      const p = this.profile;
      let length: number;
      let change: MachineChange;
      if (this.#next === 'changeover') {
        this.#product = (this.#product + 1) % p.products.length;
        this.#nextChangeoverAt = t + this.#between(p.changeoverEveryHours) * 3600_000;
        length = this.#between(p.changeoverMinutes) * 60_000;
        change = this.#change(t, 'setup', { isChangeover: true });
      } else if (this.#next === 'fault' && this.#cause) {
        length = this.#between(this.#cause.minutes) * 60_000;
        change = this.#change(t, 'fault', { cause: this.#cause });
      } else {
        length = this.#between(p.minorStopSec) * 1000;
        change = this.#change(t, 'stopped');
      }
      // A stop that reaches a break or the shift's end ends there: the machine is then idle.
      this.#nextAt = Math.min(Math.round(t + length), w.until);
      this.#next = 'end';
      return change;
    }
    // A stop ended, or working time began: the machine runs again.
    const wasSetup = this.state === 'setup';
    if (wasSetup) this.#lastChangeoverEnd = t;
    this.#speed = this.#between(this.profile.speed);
    this.#scheduleRun(t, w.until);
    return this.state === 'running' ? null : this.#change(t, 'running');
  }

  /** While running from `t`: the first of a minor stop, a fault, a due changeover or the end of working time. */
  #scheduleRun(t: number, workEnd: number): void {
    const p = this.profile;
    let at = workEnd;
    let next: Next = 'work';
    const minor = t + this.#exp(p.minorStopsPerHour);
    if (minor < at) [at, next] = [minor, 'minor'];
    this.#cause = undefined;
    for (const cause of p.faults) {
      const f = t + this.#exp(cause.perHour);
      if (f < at) {
        [at, next] = [f, 'fault'];
        this.#cause = cause;
      }
    }
    if (p.products.length > 1) {
      const c = Math.max(t, this.#nextChangeoverAt);
      if (c < at) [at, next] = [c, 'changeover'];
    }
    // Whole milliseconds: event times are integers.
    this.#nextAt = Math.round(at);
    this.#next = next;
  }
}
