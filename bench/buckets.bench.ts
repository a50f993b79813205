/**
 * Hourly bucket writer: the cost of one minute flush, before (read the 49 h around the current hour
 * from SQLite, then one engine run over every line) and after (events held in memory, one line per
 * turn of the event loop), on a day of the demo simulator's events (a machine.counter every 5 s and
 * the machine's state changes, src/core/sim/machine-model.ts) for 8 and for 50 lines.
 *   npm run bench:buckets
 *   node --import tsx bench/buckets.bench.ts --lines 8 --minutes 3     # a quicker look
 * CPU time (user + system, this process) per flush is the figure to judge on (the machine is shared);
 * the longest block is the event loop's worst delay during the flush (perf_hooks), what live status,
 * OEE and ingest wait for at most.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import { ulid } from 'ulid';
import vm from 'node:vm';
import type { FloorEvent, Plant } from '../src/core/index.ts';
import { localBoundaries } from '../src/core/oee/calendar.ts';
import { hourlyBuckets, LOOKBACK_MS, reachedFrom } from '../src/server/history/hourly-buckets.ts';
import { startBucketWriter } from '../src/server/history/bucket-writer.ts';
import { machineStationOf } from '../src/core/plant-index.ts';
import { demoProfiles } from '../src/core/sim/demo-plant-sim.ts';
import { MachineModel } from '../src/core/sim/machine-model.ts';
import { WorkTime } from '../src/core/sim/work-time.ts';
import { prng } from '../src/core/sim/year-generator.ts';
import { openSqliteStorage } from '../src/server/storage/sqlite-storage.ts';
import type { Storage, StoredEventInput } from '../src/server/storage/storage.ts';
import { benchPlant } from './generate-year.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const LINE_COUNTS = arg('lines', '8,50').split(',').map(Number);
/** History stored before the first measured minute: the window the old flush reads reaches back 24 h. */
const HISTORY_H = Number(arg('hours', '26'));
const MINUTES = Number(arg('minutes', '5'));
const TICK_MS = 5000;
const HOUR_MS = 3600_000;
/** Tuesday 2026-01-06 13:20 in Europe/Berlin (the bench plant's zone): mid-shift, mid-hour. */
const NOW = Date.UTC(2026, 0, 6, 12, 20);

if (typeof globalThis.gc !== 'function') v8.setFlagsFromString('--expose-gc');
const gc = (globalThis.gc ?? vm.runInNewContext('gc')) as () => void;
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Median of one figure over runs, right-aligned. */
const f = (ms: Timing[], k: keyof Timing) => median(ms.map((m) => m[k])).toFixed(0).padStart(5);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** The simulator's machines for every line from `from` to `to`, one tick every 5 s, as its gateways send them. */
function simulate(plant: Plant, from: number, to: number): FloorEvent[][] {
  const lines = plant.areas.flatMap((a) => a.lines);
  const perTick: FloorEvent[][] = [];
  const work = new WorkTime(plant.calendar);
  const profiles = demoProfiles(plant, lines, 42);
  const machines = lines.map((line, i) => ({ line, model: new MachineModel(profiles[i]!.machine, prng(42 + i), work, from), seq: 0 }));
  for (let now = from; now < to; now += TICK_MS) {
    const tick: FloorEvent[] = [];
    for (const m of machines) {
      const deviceId = `sim-gw-${m.line.id}`;
      const envelope = { v: 1 as const, deviceId, author: 'gw', lineId: m.line.id, stationId: machineStationOf(m.line).id };
      for (const c of m.model.advance(now)) tick.push({ ...envelope, ts: c.ts, id: ulid(c.ts), seq: m.seq++, type: 'machine.state', state: c.state });
      const { model } = m;
      tick.push({ ...envelope, ts: now, id: ulid(now), seq: m.seq++, type: 'machine.counter', productId: model.productId, total: model.total, rejectTotal: model.rejectTotal });
    }
    perTick.push(tick);
  }
  return perTick;
}

const record = (event: FloorEvent): StoredEventInput => ({ event, receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts, topic: 'bench' });

type Timing = { cpu: number; wall: number; block: number; slice: number };

/**
 * CPU time, the longest event-loop block and the longest CPU slice of `work`. The block is the
 * event loop's worst delay (perf_hooks, wall time: on a busy machine it includes waiting for a
 * core); the slice is the most CPU this process spent between two turns of a 1 ms timer, the
 * same block measured in CPU time, so robust to the neighbours.
 */
async function measure<T>(work: () => Promise<T>): Promise<Timing & { result: T }> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let slice = 0;
  let last = process.cpuUsage();
  const sampler = setInterval(() => {
    const now = process.cpuUsage();
    slice = Math.max(slice, cpuMs(process.cpuUsage(last)));
    last = now;
  }, 1);
  // The monitor's first tick only sets its baseline: a block before it would go unseen.
  await new Promise((r) => setTimeout(r, 20));
  slice = 0;
  const c = process.cpuUsage();
  const t = performance.now();
  const result = await work();
  const wall = performance.now() - t;
  const cpu = cpuMs(process.cpuUsage(c));
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(sampler);
  loop.disable();
  return { cpu, wall, block: loop.max / 1e6, slice, result };
}

/** The flush as it was: the 49 h around the hour read from storage, the engine over every line at once. */
async function oldFlush(storage: Storage, plant: Plant, hour: number, now: number, reachLines: readonly string[]): Promise<void> {
  const page = await storage.listEvents({ from: hour - LOOKBACK_MS, to: hour + HOUR_MS + LOOKBACK_MS, orderBy: 'time' });
  const events = page.events.map((r) => ({ ...r.event, ts: r.correctedTs }));
  const rows = hourlyBuckets(plant, events, { upsertFrom: hour, to: hour + HOUR_MS, now });
  if (rows.length) await storage.upsertHourlyBuckets(rows);
  reachedFrom(plant, events, new Map(reachLines.map((l) => [l, { hour, refs: new Set<string>() }])), now);
}

async function run(lineCount: number): Promise<void> {
  const plant = benchPlant(lineCount);
  const tz = plant.calendar.timezone;
  const hourOf = (ts: number) => localBoundaries(tz, ts, ts + 1, 'hour')[0]!;
  const dir = mkdtempSync(join(tmpdir(), 'fb-buckets-'));
  const storage = openSqliteStorage(join(dir, 'bench.db'));
  try {
    await storage.migrate();
    const ticks = simulate(plant, NOW - HISTORY_H * HOUR_MS, NOW + MINUTES * 60_000);
    const split = (HISTORY_H * HOUR_MS) / TICK_MS;
    const history = ticks.slice(0, split).flat();
    for (let i = 0; i < history.length; i += 500) await storage.insertEvents(history.slice(i, i + 500).map(record));
    const perDay = Math.round((history.length / HISTORY_H) * 24);
    console.log(`\n${lineCount} lines: ${history.length.toLocaleString('en')} events stored (${HISTORY_H} h, ${perDay.toLocaleString('en')} a day)`);

    // Before: the old minute flush, warmed up once, then timed three times.
    const hour = hourOf(NOW);
    const reachLines = plant.areas.flatMap((a) => a.lines.map((l) => l.id));
    await oldFlush(storage, plant, hour, NOW, reachLines);
    const before: Timing[] = [];
    for (let i = 0; i < 3; i++) before.push(await measure(() => oldFlush(storage, plant, hour, NOW, reachLines)));

    // After: the writer as the service runs it. Its start (memory load and 48 h backfill from storage) apart.
    let clock = NOW;
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const start = await measure(async () => {
      const writer = startBucketWriter({ storage, plant, now: () => clock, log: (m, f) => console.log(m, f), flushMs: 24 * HOUR_MS });
      while (writer.staleFrom() < Number.POSITIVE_INFINITY) {
        await writer.flush();
        await new Promise((r) => setImmediate(r));
      }
      return writer;
    });
    const writer = start.result;
    gc();
    const held = process.memoryUsage().heapUsed - heap0;
    const after: Timing[] = [];
    for (let k = 1; k <= MINUTES; k++) {
      const minute = ticks.slice(split + (k - 1) * 12, split + k * 12).flat().map(record);
      clock = NOW + k * 60_000;
      await storage.insertEvents(minute);
      writer.touch(minute);
      after.push(await measure(() => writer.flush()));
      if (writer.staleFrom() < Number.POSITIVE_INFINITY) throw new Error('a minute flush left hours to write');
    }
    writer.stop();

    const row = (name: string, ms: Timing[]) =>
      `  ${name.padEnd(36)} CPU ${f(ms, 'cpu')} ms, longest CPU slice ${f(ms, 'slice')} ms, longest block ${f(ms, 'block')} ms (wall ${f(ms, 'wall')} ms)`;
    console.log(row('before: minute flush (median of 3)', before));
    console.log(row(`after: minute flush (median of ${MINUTES})`, after));
    console.log(row('after: start (load + 48 h backfill)', [start]));
    const ratio = (k: keyof Timing) => (median(before.map((m) => m[k])) / median(after.map((m) => m[k]))).toFixed(0);
    console.log(`  ratio before/after: CPU ${ratio('cpu')}x, longest CPU slice ${ratio('slice')}x, longest block ${ratio('block')}x`);
    console.log(`  heap held by the writer after start: ${mb(held)} (~${Math.round(held / (perDay * (26 / 24)))} B per held event)`);
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const n of LINE_COUNTS) await run(n);
