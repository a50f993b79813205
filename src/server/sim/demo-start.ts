import { topics, type FloorEvent, type Plant } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import { backfillEvents, backfillIds, backfillSim, backfillWindow } from '../../core/sim/demo-backfill.ts';
import { backfillMode, DemoPlantSim } from '../../core/sim/demo-plant-sim.ts';
import type { Storage, StoredEventInput } from '../storage/storage.ts';

/**
 * The backfill's record in storage, as a device row: `lastSeenAt` is the instant the backfill runs
 * up to (so one cut short resumes over the same window, same ids), `lastSeq` -1 while it runs and 0
 * once it is complete (later starts then leave the history alone).
 */
export const BACKFILL_DEVICE = 'sim-backfill';
/** The same seed every time: one demo plant history, and a resumed backfill writes the same ids. */
const SEED = 42;
/** A gap up to this long since the backfill's end is filled through storage before the live simulator takes over. */
const MAX_CATCH_UP_MS = 3600_000;

export interface DemoStartOptions {
  plant: Plant;
  index: PlantIndex;
  storage: Storage;
  now: () => number;
  /** Days of history on a first start; 0: none. */
  days: number;
  /** Freshly stored backfill records, for the hourly buckets. */
  onStored: (records: readonly StoredEventInput[]) => void;
  log: (message: string, fields?: Record<string, unknown>) => void;
  isStopped: () => boolean;
}

export interface DemoStart {
  sim: DemoPlantSim;
  /** Events the backfill stored in this run (0: none was needed). */
  stored: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A record as ingest would store it: the device's clock taken as right, on the event's own topic. */
function recordOf(e: FloorEvent, index: PlantIndex): StoredEventInput {
  const station = index.stations.get(e.stationId);
  const path = station ?? { site: index.site, area: '_', line: e.lineId, station: e.stationId };
  const topic = e.type.startsWith('machine.') ? topics.signals(path) : topics.events(path);
  return { event: e, receivedAt: e.ts, clockOffsetMs: 0, correctedTs: e.ts, topic };
}

/**
 * The demo's machines for the live simulator. On a first start (no complete backfill recorded) it
 * first writes `days` of plant history plus the current shift so far through the storage layer,
 * a chunk per turn of the event loop so the service keeps answering, logging its progress; then
 * fills the few seconds since, so the live simulator continues the same machines, counters and
 * device sequences. On later starts the machines start fresh, sequences continued from storage.
 */
export async function prepareDemo(o: DemoStartOptions): Promise<DemoStart> {
  const record = await o.storage.getDevice(BACKFILL_DEVICE);
  if (o.days <= 0 || record?.lastSeq === 0) return { sim: await freshSim(o), stored: 0 };
  const until = record ? record.lastSeenAt : o.now();
  if (!record) await o.storage.upsertDevice({ deviceId: BACKFILL_DEVICE, lastSeq: -1, clockOffsetMs: 0, lastSeenAt: until, isClockFlagged: false });
  const w = backfillWindow(o.plant, until, o.days);
  const sim = backfillSim(o.plant, w, SEED);
  const newId = backfillIds(SEED);
  const startedAt = performance.now();
  o.log(`demo backfill: writing ${o.days} days of plant history${record ? ' (resuming)' : ''}`, { from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString() });
  let stored = 0;
  let shown = 0;
  o.log('demo backfill: 0 %', { events: 0 });
  const store = async (events: FloorEvent[]) => {
    const records = events.map((e) => recordOf(e, o.index));
    await o.storage.insertEvents(records);
    o.onStored(records);
    stored += records.length;
    await nextTurn();
  };
  for (const { events, done } of backfillEvents(sim, w, newId)) {
    if (o.isStopped()) return { sim, stored };
    await store(events);
    const percent = Math.floor(done * 10) * 10;
    if (percent > shown) {
      shown = percent;
      o.log(`demo backfill: ${percent} %`, { events: stored });
    }
  }
  // The minutes the backfill took (or, when it resumes, the time since it was cut short) are filled
  // too, so the live simulator takes over within seconds; a longer gap stays a gap: nobody watched.
  let end = w.to;
  while (o.now() - end > 2000 && o.now() - end < MAX_CATCH_UP_MS && !o.isStopped()) {
    end = o.now();
    await store(sim.run(end, backfillMode, newId));
  }
  if (o.now() - end >= MAX_CATCH_UP_MS) sim.skipTo(o.now());
  for (const [deviceId, lastSeq] of sim.lastSeqs()) await o.storage.upsertDevice({ deviceId, lastSeq, clockOffsetMs: 0, lastSeenAt: end, isClockFlagged: false });
  await o.storage.upsertDevice({ deviceId: BACKFILL_DEVICE, lastSeq: 0, clockOffsetMs: 0, lastSeenAt: until, isClockFlagged: false });
  o.log('demo backfill: done', { events: stored, seconds: Math.round((performance.now() - startedAt) / 100) / 10 });
  return { sim, stored };
}

/** The machines from now on, each gateway's sequence continued from storage. */
async function freshSim(o: DemoStartOptions): Promise<DemoPlantSim> {
  const probe = new DemoPlantSim({ plant: o.plant, start: o.now(), seed: SEED });
  const lastSeq = new Map<string, number>();
  for (const line of probe.lines) {
    const device = await o.storage.getDevice(line.actors.gateway.deviceId);
    if (device) lastSeq.set(device.deviceId, device.lastSeq);
  }
  return new DemoPlantSim({ plant: o.plant, start: o.now(), seed: o.now() % 100_000, lastSeq });
}
