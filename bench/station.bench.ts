// npm run bench:station — the station fold (src/core/station-state), issue 10's budgets:
// (1) update per incoming event on a shift of 5,000 events: incremental add + read, in order and
//     with 1 % late arrivals (each forcing a rebuild), against two baselines in the same run:
//     refolding everything per event (the batch form) and today's tablet fold (deriveStationView);
// (3) the live service (startLiveOee) per committed event: OEE snapshot figures, station fold,
//     status publishes; then the status publishes in 10 s with no event at all (time alone);
// (2) "no data" with a real service: a gateway stops its heartbeats; time until the retained
//     station status says no-data (budget: heartbeat timeout + 5 s), at the default snapshot interval.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { ulid } from 'ulid';
import type { FloorEvent } from '../src/core/events.schema.ts';
import { stationStatusSchema } from '../src/core/live.schema.ts';
import { indexPlant } from '../src/core/plant-index.ts';
import { foldStationStates, StationStateFold } from '../src/core/station-state/index.ts';
import { topics } from '../src/core/topics.ts';
import { deriveStationView } from './baselines/station-view.old.ts';
import { startService } from '../src/server/start-service.ts';
import { configSchema } from '../src/server/config.ts';
import { loadPlantFile } from '../src/server/plant-file.ts';
import { startLiveOee } from '../src/server/live/live-oee.ts';
import type { Storage } from '../src/server/storage/storage.ts';

const PLANT = new URL('../test/fixtures/test.plant.json', import.meta.url).pathname;
const EVENTS = 5000;
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

/** A shift of line-a (06:00-14:00 UTC): gateway counters and faults at a1, tablet counts, stops, scrap, changeovers at a1 and a2. */
function shiftEvents(): FloorEvent[] {
  const start = Date.UTC(2026, 11, 1, 6);
  const out: FloorEvent[] = [];
  const seq = new Map<string, number>();
  let total = 0;
  const ev = (ts: number, device: string, stationId: string, payload: Record<string, unknown>) => {
    const n = seq.get(device) ?? 0;
    seq.set(device, n + 1);
    out.push({ v: 1, id: ulid(ts), deviceId: device, seq: n, ts, author: device === 'gw' ? 'gw-a' : 'op-a', lineId: 'line-a', stationId, ...payload } as FloorEvent);
  };
  for (let i = 0; out.length < EVENTS; i++) {
    const ts = start + i * 5000; // one step every 5 s: 5,000 events in about 7 h
    if (i % 240 === 120) {
      ev(ts, 'gw', 'a1', { type: 'machine.state', state: 'fault' });
      ev(ts + 400_000, 'gw', 'a1', { type: 'machine.state', state: 'running' });
    } else if (i % 6 === 0) ev(ts, `tab-${i % 12 === 0 ? 'a1' : 'a2'}`, i % 12 === 0 ? 'a1' : 'a2', { type: 'count', productId: 'widget', good: 3, reject: i % 60 === 0 ? 1 : 0 });
    else if (i % 200 === 50) {
      const id = ulid(ts);
      ev(ts, 'tab-a2', 'a2', { type: 'stop.start', stopId: id });
      ev(ts + 90_000, 'tab-a2', 'a2', { type: 'stop.end', stopId: id });
      if (i % 400 === 50) ev(ts + 100_000, 'tab-a2', 'a2', { type: 'stop.classify', stopId: id, reasonId: 'jam' });
    } else if (i % 2000 === 1000) {
      ev(ts, 'tab-a1', 'a1', { type: 'changeover.start', toProductId: 'gadget' });
      ev(ts + 600_000, 'tab-a2', 'a2', { type: 'changeover.end', productId: 'gadget' });
    } else if (i % 500 === 7) ev(ts, 'tab-a1', 'a1', { type: 'scrap', productId: 'widget', quantity: 2, reasonId: 'jam' });
    else ev(ts, 'gw', 'a1', { type: 'machine.counter', total: (total += 2) });
  }
  return out.sort((a, b) => a.ts - b.ts).slice(0, EVENTS);
}

/** Per-event cost of add + read, in arrival order; reads at the event's time plus 10 ms. */
function incremental(plant: Parameters<typeof foldStationStates>[0], events: FloorEvent[], lateShare: number): number[] {
  const line = indexPlant(plant).lines.get('line-a')!;
  const arrivals = events.slice();
  // Late arrivals: every 1/lateShare-th event swaps with the one 20 places later.
  if (lateShare > 0) for (let i = 0; i + 20 < arrivals.length; i += Math.round(1 / lateShare)) [arrivals[i], arrivals[i + 20]] = [arrivals[i + 20]!, arrivals[i]!];
  const fold = new StationStateFold(plant, line);
  const costs: number[] = [];
  let now = 0;
  for (const e of arrivals) {
    now = Math.max(now, e.ts + 10);
    const t0 = performance.now();
    fold.add(e);
    fold.read(now);
    costs.push(performance.now() - t0);
  }
  return costs;
}

function report(name: string, costs: number[]): void {
  const tail = costs.slice(-500);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`${name.padEnd(44)} mean ${us(mean(costs)).padStart(9)}  p50 ${us(pct(costs, 50)).padStart(9)}  p95 ${us(pct(costs, 95)).padStart(9)}  p99 ${us(pct(costs, 99)).padStart(9)}  max ${us(Math.max(...costs)).padStart(10)}  last 500 mean ${us(mean(tail)).padStart(9)}`);
}

async function foldCosts(): Promise<void> {
  const plant = await loadPlantFile(PLANT);
  const line = indexPlant(plant).lines.get('line-a')!;
  const events = shiftEvents();
  console.log(`(1) station fold, ${events.length} events of one shift (line-a, 2 stations, gateway at a1); cost per event = add + read`);
  incremental(plant, events, 0); // warm-up
  report('incremental, in order', incremental(plant, events, 0));
  report('incremental, 1 % late (rebuild each)', incremental(plant, events, 0.01));
  // Baselines at sampled points (every 250th event): cost of one event at that point.
  const batch: number[] = [];
  const tablet: number[] = [];
  for (let n = 250; n <= events.length; n += 250) {
    const upTo = events.slice(0, n);
    const now = upTo[n - 1]!.ts + 10;
    let t0 = performance.now();
    foldStationStates(plant, line, upTo, now);
    batch.push(performance.now() - t0);
    t0 = performance.now();
    deriveStationView(upTo, { stationId: 'a1', from: Date.UTC(2026, 11, 1, 6), smallStopMs: 120_000, defaultProductId: 'widget' });
    tablet.push(performance.now() - t0);
  }
  report('baseline: batch refold per event (sampled)', batch);
  report('baseline: old tablet fold per event (sampled)', tablet);
}

async function noDataLatency(): Promise<void> {
  const TIMEOUT_SEC = 5;
  const dir = await mkdtemp(join(tmpdir(), 'fb-bench-station-'));
  const plant = JSON.parse(await readFile(PLANT, 'utf8')) as { areas: { lines: Record<string, unknown>[] }[] };
  plant.areas[0]!.lines[0]!.heartbeatTimeoutSec = TIMEOUT_SEC;
  const plantFile = join(dir, 'plant.json');
  await writeFile(plantFile, JSON.stringify(plant));
  // Default snapshot interval (5 s): the statuses have their own 1 s re-read.
  const service = await startService(configSchema.parse({ port: 0, mqttTcpPort: 0, host: '127.0.0.1', plantFile, dataDir: dir, staticDir: join(dir, 'none') }), { logger: pino({ level: 'silent' }), hasDefaultMetrics: false });
  const base = `http://127.0.0.1:${service.httpPort}`;
  const login = async (body: Record<string, unknown>) => ((await (await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { token: string }).token;
  const connect = (user: string, token: string, clientId: string) =>
    new Promise<mqtt.MqttClient>((resolve, reject) => {
      const c = mqtt.connect(`mqtt://127.0.0.1:${service.mqttPort}`, { clientId, username: user, password: token, reconnectPeriod: 0 });
      c.once('connect', () => resolve(c));
      c.once('error', reject);
    });
  const gw = await connect('gw-a', await login({ kind: 'password', userId: 'gw-a', password: 'gw-pass', deviceId: 'gw-b' }), 'gw-b');
  const tab = await connect('op-a', await login({ kind: 'badge', badge: '1001', pin: '1234', deviceId: 'tab-b' }), 'tab-b');
  const path = { site: 'test-site', area: 'assembly', line: 'line-a', station: 'a1' };
  let seq = 0;
  const beat = () => {
    const ts = Date.now();
    const e = { v: 1, id: ulid(), deviceId: 'gw-b', seq: seq++, ts, author: 'gw-a', lineId: 'line-a', stationId: 'a1', type: 'machine.heartbeat' };
    gw.publish(topics.signals(path), JSON.stringify({ events: [e] }), { qos: 1 });
    return ts;
  };
  let onStatus: (state: string, at: number) => void = () => {};
  tab.on('message', (_t, payload) => onStatus(stationStatusSchema.parse(JSON.parse(payload.toString())).state, Date.now()));
  await new Promise((r) => tab.subscribe(topics.stationStatus(path), { qos: 1 }, r));
  console.log(`\n(2) no data with a real service (embedded broker, snapshot interval 5 s), heartbeat timeout ${TIMEOUT_SEC} s, budget timeout + 5 s:`);
  const overshoots: number[] = [];
  for (let trial = 0; trial < 3; trial++) {
    let last = 0;
    for (let i = 0; i < 3; i++) {
      last = beat();
      await new Promise((r) => setTimeout(r, 1000));
    }
    const at = await new Promise<number>((resolve) => {
      onStatus = (state, t) => {
        if (state === 'no-data') resolve(t);
      };
    });
    const overshoot = at - last - TIMEOUT_SEC * 1000;
    overshoots.push(overshoot);
    console.log(`  trial ${trial + 1}: last heartbeat -> retained no-data ${((at - last) / 1000).toFixed(2)} s (timeout + ${(overshoot / 1000).toFixed(2)} s)`);
  }
  console.log(`  worst: timeout + ${(Math.max(...overshoots) / 1000).toFixed(2)} s (budget timeout + 5 s)`);
  gw.end(true);
  tab.end(true);
  await service.close();
  await rm(dir, { recursive: true, force: true });
}

async function liveService(): Promise<void> {
  const plant = await loadPlantFile(PLANT);
  const events = shiftEvents();
  // Storage holds nothing older: the service loads an empty history, then gets the shift as commits.
  const storage = { listEvents: async () => ({ events: [], unreadable: [], lastSeq: null }), latestEventsBefore: async () => [] } as unknown as Storage;
  let clock = events[0]!.ts - 1000;
  const counts = { status: 0, oee: 0 };
  const live = await startLiveOee({
    storage,
    plant,
    index: indexPlant(plant),
    now: () => clock,
    intervalMs: 5000,
    publish: async (topic) => void (topic.endsWith('/status') ? counts.status++ : counts.oee++),
    log: () => {},
  });
  const costs: number[] = [];
  for (const e of events) {
    clock = e.ts + 10;
    const t0 = performance.now();
    live.onCommitted([{ event: e, correctedTs: e.ts, receivedAt: e.ts, clockOffsetMs: 0, topic: 'bench' }]);
    costs.push(performance.now() - t0);
  }
  console.log(`\n(3) live service (startLiveOee, no storage), ${events.length} events committed one by one:`);
  report('commit one event (figures, fold, publishes)', costs);
  console.log(`  publishes while feeding: ${counts.status} statuses, ${counts.oee} OEE snapshots`);
  // Idle: the service clock runs on from the last event; no event arrives for 10 s.
  const idleFrom = Date.now();
  const last = clock;
  clock = last;
  const tick = setInterval(() => (clock = last + (Date.now() - idleFrom)), 50);
  counts.status = 0;
  counts.oee = 0;
  await new Promise((r) => setTimeout(r, 10_000));
  clearInterval(tick);
  console.log(`  10 s without events: ${counts.status} status publishes (line-a: 1 line + 2 stations; 3 lines in the plant), ${counts.oee} OEE snapshots`);
  live.stop();
}

await foldCosts();
await liveService();
if (!process.argv.includes('--no-service')) await noDataLatency();
