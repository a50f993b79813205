import type { FloorEvent } from '../events.schema.ts';
import type { Plant } from '../plant.schema.ts';
import { localBoundaries } from '../oee/calendar.ts';
import { backfillMode, DemoPlantSim, pickOutage } from './demo-plant-sim.ts';
import { ulidOf } from './year-generator.ts';

const DAY_MS = 86_400_000;
/** Plant time generated per chunk: ~2,000 events of the demo plant, stored in one transaction, so one turn of the event loop stays short. */
export const BACKFILL_CHUNK_MS = 2 * 3600_000;

/** What a demo's first start fills in: `days` local days before the day of `now`, and that day up to `now`. */
export interface BackfillWindow {
  from: number;
  to: number;
}

/** The window of a backfill of `days` days ending at `now`: it starts at a local midnight. */
export function backfillWindow(plant: Plant, now: number, days: number): BackfillWindow {
  const from = localBoundaries(plant.calendar.timezone, now - days * DAY_MS, now - days * DAY_MS + 1, 'day')[0] ?? now - days * DAY_MS;
  return { from, to: now };
}

/**
 * Event ids of the backfill: ULID-shaped (time + counter), deterministic for a seed, so a backfill
 * cut short and run again over the same window writes the same ids and storage drops the copies.
 */
export function backfillIds(seed: number): (ts: number) => string {
  let n = (seed % 4096) * 2 ** 36;
  return (ts) => ulidOf(ts, n++);
}

/** The simulated plant of a backfill over `w`: its machines start at `w.from`, one gateway goes silent once. */
export function backfillSim(plant: Plant, w: BackfillWindow, seed: number): DemoPlantSim {
  const probe = new DemoPlantSim({ plant, start: w.from, seed });
  const outage = pickOutage(plant, probe.lines.map((l) => l.actors.lineId), w.from, w.to, seed);
  return new DemoPlantSim({ plant, start: w.from, seed, outage });
}

/**
 * The backfill's events, a chunk of plant time at a time, with how much of the window is done
 * (0..1). Real events: gateway signals and the crews' entries, numbered per device, ids from `newId`.
 * @example for (const { events, done } of backfillEvents(sim, w, backfillIds(42))) await store(events);
 */
export function* backfillEvents(sim: DemoPlantSim, w: BackfillWindow, newId: (ts: number) => string, chunkMs = BACKFILL_CHUNK_MS): Generator<{ events: FloorEvent[]; done: number }> {
  for (let t = w.from; t < w.to; ) {
    const end = Math.min(w.to, t + chunkMs);
    yield { events: sim.run(end, backfillMode, newId), done: (end - w.from) / (w.to - w.from) };
    t = end;
  }
}
