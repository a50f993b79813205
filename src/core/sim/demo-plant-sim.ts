import type { FloorEvent } from '../events.schema.ts';
import type { Line, LossCategory, Plant, User } from '../plant.schema.ts';
import { machineStationOf } from '../plant-index.ts';
import { DemoLine, type CrewProfile, type EmitMode, type LineActors } from './demo-line.ts';
import type { FaultCause, MachineProfile } from './machine-model.ts';
import { WorkTime } from './work-time.ts';
import { prng } from './year-generator.ts';

type Gateway = Extract<User, { role: 'gateway' }>;

/** The live simulator: a reading every tick, a heartbeat every 15-20 s, the machines only. */
export const liveMode = (tickMs: number, heartbeatMs: readonly [number, number] = [15_000, 20_000]): EmitMode => ({ sampleMs: tickMs, heartbeatMs, isHeartbeatQuiet: false, hasCrew: false });
/**
 * The backfill: a reading every 40 s, a heartbeat at a reading that finds no signal sent in the
 * last 10 s, so the gateway is never silent for more than 50 s (inside the default 60 s heartbeat
 * timeout: only the outage reads as silence); and the crews' entries. A fraction of the live volume.
 */
export const backfillMode: EmitMode = { sampleMs: 40_000, heartbeatMs: [10_000, 10_000], isHeartbeatQuiet: true, hasCrew: true };

/** The simulated gateway's device id (its own broker client and sequence). */
export const simDeviceOf = (gatewayId: string) => `sim-${gatewayId}`.slice(0, 64);
/** The crews' simulated tablet on a line. */
export const simTabletOf = (lineId: string) => `sim-tablet-${lineId}`.slice(0, 64);

export interface DemoPlantSimOptions {
  plant: Plant;
  /** Where the machines' history starts. */
  start: number;
  seed: number;
  /** One line's gateway goes silent in this window (the backfill's outage). */
  outage?: { lineId: string; from: number; to: number } | null;
  /** Last sequence number each device used before (a restarted simulator continues gap-free). */
  lastSeq?: ReadonlyMap<string, number>;
}

/** Leaf reasons (a category without children is its own leaf) booked to one of `losses`. */
function leafReasons(plant: Plant, losses: readonly LossCategory[]): { id: string; loss: LossCategory }[] {
  return plant.reasons.flatMap((r) => (r.children.length ? r.children : [r])).filter((r) => losses.includes(r.loss));
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** The reason a changeover is booked to: one named like it, else the first setup reason. */
function changeoverReason(plant: Plant): string | null {
  const setup = leafReasons(plant, ['setup']);
  return (setup.find((r) => r.id.includes('changeover')) ?? setup[0])?.id ?? null;
}

/**
 * Each line's machine and crew: a clear top loss of its own (a fault cause no other line has as
 * its top, 6-9 min per running hour), a few other classified causes, a rare unclassified one,
 * minor stops under the line's small-stop threshold, changeovers every 7-12 h, 85-97 % speed and
 * 1-2.5 % rejects. Tuned so that OEE lands mostly between 55 and 85 %.
 */
export function demoProfiles(plant: Plant, lines: readonly Line[], seed: number): { machine: MachineProfile; crew: CrewProfile }[] {
  const random = prng(seed * 31 + 7);
  const changeover = changeoverReason(plant);
  const causes = shuffled(leafReasons(plant, ['breakdown', 'setup']).filter((r) => r.id !== changeover), random);
  const scrapReasonIds = leafReasons(plant, ['process-defect']).map((r) => r.id);
  return lines.map((line, i) => {
    const top = causes.length ? (causes[i % causes.length] as { id: string }).id : null;
    const others = causes.filter((c) => c.id !== top).slice((i * 3) % Math.max(1, causes.length - 3)).slice(0, 3);
    const faults: FaultCause[] = [
      { reasonId: top, perHour: 0.28 + random() * 0.1, minutes: [12, 34] },
      ...others.map((c): FaultCause => ({ reasonId: c.id, perHour: 0.06 + random() * 0.04, minutes: [4, 14] })),
      { reasonId: null, perHour: 0.02, minutes: [4, 12] },
    ];
    const threshold = line.smallStopThresholdSec;
    const speed = 0.87 + random() * 0.06;
    return {
      machine: {
        products: line.products,
        minorStopsPerHour: 2 + random() * 2,
        minorStopSec: [Math.min(15, threshold / 4), Math.min(100, threshold * 0.9)],
        faults,
        changeoverEveryHours: [7, 12],
        changeoverMinutes: [12, 28],
        speed: [speed - 0.03, speed + 0.03],
        rejectRate: 0.01 + random() * 0.015,
        startupRejectRate: 0.06,
        startupMs: line.startupRejectWindowSec * 1000,
      },
      crew: { changeoverReasonId: changeover, scrapPerHour: 0.3, scrapReasonIds },
    };
  });
}

/**
 * A gateway outage for the backfill: one line, one to two hours inside a shift between two and
 * ten days before `to`, chosen by the seed. Null when no shift there is long enough.
 */
export function pickOutage(plant: Plant, lineIds: readonly string[], from: number, to: number, seed: number): { lineId: string; from: number; to: number } | null {
  const random = prng(seed * 17 + 3);
  const work = new WorkTime(plant.calendar);
  const lo = Math.max(from, to - 10 * 86_400_000);
  const hi = to - 2 * 86_400_000;
  if (hi <= lo || lineIds.length === 0) return null;
  const lineId = lineIds[Math.floor(random() * lineIds.length)] as string;
  for (let tries = 0; tries < 200; tries++) {
    const at = Math.floor(lo + random() * (hi - lo));
    const shift = work.at(at).shift;
    if (!shift || shift.end - shift.start < 4 * 3600_000) continue;
    const start = shift.start + 30 * 60_000;
    return { lineId, from: start, to: start + Math.floor((60 + random() * 60) * 60_000) };
  }
  return null;
}

/** Who sends a line's events: its gateway (null: the line has none, so it is not simulated) and tablet. */
function actorsOf(plant: Plant, line: Line): LineActors | null {
  const station = machineStationOf(line).id;
  const gw = plant.users.find((u): u is Gateway => u.role === 'gateway' && u.stations.includes(station));
  if (!gw) return null;
  const operators = plant.users.filter((u) => u.role === 'operator' && u.stations.includes(station)).map((u) => u.id);
  return {
    lineId: line.id,
    machineStationId: station,
    gateway: { userId: gw.id, deviceId: simDeviceOf(gw.id) },
    tablet: operators.length ? { deviceId: simTabletOf(line.id), stationId: station, operators } : null,
    scrapStationId: (line.stations[line.stations.length - 1] as { id: string }).id,
  };
}

/**
 * The demo plant's machines and crews, one DemoLine per line that has a gateway at its machine
 * station. `run` gives every line's events up to a time, numbered per device in time order, so the
 * backfill and the live simulator that takes over from it write one gap-free sequence per device.
 */
export class DemoPlantSim {
  readonly lines: DemoLine[] = [];
  readonly #seqs = new Map<string, number>();

  constructor(o: DemoPlantSimOptions) {
    const work = new WorkTime(o.plant.calendar);
    const all = o.plant.areas.flatMap((a) => a.lines);
    const profiles = demoProfiles(o.plant, all, o.seed);
    all.forEach((line, i) => {
      const actors = actorsOf(o.plant, line);
      if (!actors) return;
      const { machine, crew } = profiles[i] as { machine: MachineProfile; crew: CrewProfile };
      const outage = o.outage?.lineId === line.id ? o.outage : null;
      this.lines.push(new DemoLine(actors, machine, crew, work, prng(o.seed * 7919 + i), o.start, outage));
    });
    for (const [device, seq] of o.lastSeq ?? []) this.#seqs.set(device, seq);
  }

  /** Every line's events up to `to`, in time order, with device sequence numbers. */
  run(to: number, mode: EmitMode, newId: (ts: number) => string): FloorEvent[] {
    const out: FloorEvent[] = [];
    for (const line of this.lines) for (const e of line.run(to, mode, newId)) out.push(e);
    // Stable: within one instant a line's own order (a count before the stop it precedes) holds.
    out.sort((a, b) => a.ts - b.ts);
    for (const e of out) {
      const seq = (this.#seqs.get(e.deviceId) ?? -1) + 1;
      this.#seqs.set(e.deviceId, seq);
      e.seq = seq;
    }
    return out;
  }

  /** Advances every machine to `to` without a word (see DemoLine.skip). */
  skipTo(to: number): void {
    for (const line of this.lines) line.skip(to);
  }

  /** The last sequence number of every device that sent something. */
  lastSeqs(): ReadonlyMap<string, number> {
    return this.#seqs;
  }
}
