import type { machineStates } from '../../core/events.schema.ts';
import { prng } from '../../core/sim/year-generator.ts';

type MachineState = (typeof machineStates)[number];

/** Deterministic PRNG (the core's mulberry32): the same seed gives the same demo day. */
export const seededRandom = prng;

export interface MachineProfile {
  products: { productId: string; idealCycleTimeSec: number }[];
}

/** What happened to a machine during one tick. */
export interface MachineTick {
  /** New state, when it changed during the tick. */
  state?: MachineState;
  /** Cumulative counters after the tick (sent every tick, like a PLC counter). */
  total: number;
  rejectTotal: number;
  productId: string;
}

/**
 * A machine as a gateway sees it, advanced in ticks: running at 75-98 % of the ideal rate with
 * ~2 % rejects (more right after a changeover), small stops of under two minutes (jams), longer
 * faults of 5-25 minutes, and a changeover to another product every few hours.
 */
export class MachineModel {
  state: MachineState = 'running';
  #until = 0;
  #total = 0;
  #rejects = 0;
  #fraction = 0;
  #product = 0;
  #speed = 0.9;
  #lastChangeoverAt: number;

  constructor(
    private readonly profile: MachineProfile,
    private readonly random: () => number,
    now: number,
  ) {
    this.#lastChangeoverAt = now - random() * 3 * 3600_000;
  }

  /** Advances the machine by `dtMs` ending at `now`. */
  tick(now: number, dtMs: number): MachineTick {
    const r = this.random;
    const before = this.state;
    const product = this.profile.products[this.#product]!;
    if (this.state !== 'running' && now >= this.#until) {
      this.state = 'running';
      this.#speed = 0.75 + r() * 0.23;
    } else if (this.state === 'running') {
      const perHour = dtMs / 3600_000;
      if (this.profile.products.length > 1 && now - this.#lastChangeoverAt > (3 + r() * 2) * 3600_000) {
        this.state = 'setup';
        this.#until = now + (10 + r() * 15) * 60_000;
        this.#lastChangeoverAt = now;
        this.#product = (this.#product + 1) % this.profile.products.length;
      } else if (r() < 12 * perHour) {
        this.state = 'stopped';
        this.#until = now + (20 + r() * 90) * 1000;
      } else if (r() < 0.6 * perHour) {
        this.state = 'fault';
        this.#until = now + (5 + r() * 20) * 60_000;
      } else {
        if (r() < 2 * perHour) this.#speed = 0.75 + r() * 0.23;
        const made = (dtMs / 1000 / product.idealCycleTimeSec) * this.#speed + this.#fraction;
        const whole = Math.floor(made);
        this.#fraction = made - whole;
        const isStartup = now - this.#lastChangeoverAt < 45 * 60_000;
        let rejects = 0;
        for (let i = 0; i < whole; i++) if (r() < (isStartup ? 0.06 : 0.015)) rejects++;
        this.#total += whole;
        this.#rejects += rejects;
      }
    }
    const tick: MachineTick = { total: this.#total, rejectTotal: this.#rejects, productId: this.profile.products[this.#product]!.productId };
    if (this.state !== before) tick.state = this.state;
    return tick;
  }
}
