/**
 * npm run bench:tablet-state — what the tablet pays to show its station live.
 *
 * 1. Per incoming event, on a shift of 5,000 events (one line, machine signals every few seconds,
 *    counts, stops, reasons, a changeover): the service folds the event in (its incremental
 *    `StationStateFold`) and publishes the station's status; the tablet parses that status (zod)
 *    and lays its waiting entries on top (`overlayStation`, 10 waiting entries). Timed: the
 *    tablet's part. Baseline in the same run: a tablet that folded the whole shift itself on every
 *    event (`foldStationStates` over all events so far).
 * 2. `--latency`: a machine signal to both tablets and the board on loopback, with the demo
 *    running (`startService` with --demo's simulator on plants/demo.plant.yaml): a gateway publishes
 *    machine.state changes for turn-1-lathe; two MQTT subscribers with an operator's credentials
 *    (as the tablets subscribe) wait for the retained station status that carries the change, one
 *    with a manager's for the line status (as the board). Timed: publish to arrival, p50/p95/max.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { ulid } from 'ulid';
import { overlayStation, statusAsEvents } from '../src/app/domain/station-overlay.ts';
import type { FloorEvent } from '../src/core/events.schema.ts';
import { stationStatusSchema, type StationStatus } from '../src/core/live.schema.ts';
import { plantSchema } from '../src/core/plant.schema.ts';
import { indexPlant } from '../src/core/plant-index.ts';
import { foldStationStates, StationStateFold } from '../src/core/station-state/index.ts';
import { topics } from '../src/core/topics.ts';

/**
 * CPU time of this thread in ms (user + system): on a shared 2-core machine (load often above 10)
 * wall time mostly measures the wait for a core; CPU time measures the work.
 */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

/** A shift of `n` events on line-a of the test plant: station a1 has the gateway, a2 is manual. */
function shiftEvents(n: number, t0: number): FloorEvent[] {
  const out: FloorEvent[] = [];
  const seqs = new Map<string, number>();
  let counter = 0;
  let openStop: string | null = null;
  const ev = (ts: number, stationId: string, deviceId: string, author: string, payload: Record<string, unknown>, id = ulid(ts)): FloorEvent => {
    const seq = seqs.get(deviceId) ?? 0;
    seqs.set(deviceId, seq + 1);
    return { v: 1, id, deviceId, seq, ts, author, lineId: 'line-a', stationId, ...payload } as FloorEvent;
  };
  const step = (8 * 3_600_000) / n;
  for (let i = 0; i < n; i++) {
    const ts = Math.round(t0 + i * step);
    const r = i % 50;
    if (r === 10) out.push(ev(ts, 'a1', 'gw', 'gw-a', { type: 'machine.state', state: 'fault' }));
    else if (r === 14) out.push(ev(ts, 'a1', 'gw', 'gw-a', { type: 'machine.state', state: 'running' }));
    else if (r === 20) {
      const id = ulid(ts);
      openStop = id;
      out.push(ev(ts, 'a2', 'tab-2', 'op-a', { type: 'stop.start', stopId: id }, id));
    } else if (r === 25 && openStop) out.push(ev(ts, 'a2', 'tab-2', 'op-a', { type: 'stop.end', stopId: openStop }));
    else if (r === 26 && openStop) out.push(ev(ts, 'a2', 'tab-2', 'op-a', { type: 'stop.classify', stopId: openStop, reasonId: 'jam' }));
    else if (r === 30) out.push(ev(ts, 'a2', 'tab-2', 'op-a', { type: 'count', productId: 'widget', good: 5, reject: i % 3 }));
    else if (i === Math.floor(n / 2)) out.push(ev(ts, 'a1', 'tab-1', 'op-a', { type: 'changeover.start', toProductId: 'gadget' }));
    else if (i === Math.floor(n / 2) + 20) out.push(ev(ts, 'a1', 'tab-1', 'op-a', { type: 'changeover.end', productId: 'gadget' }));
    else out.push(ev(ts, 'a1', 'gw', 'gw-a', { type: 'machine.counter', total: (counter += 3) }));
  }
  return out;
}

async function perEvent(): Promise<void> {
  const plant = plantSchema.parse(JSON.parse(await readFile(new URL('../test/fixtures/test.plant.json', import.meta.url), 'utf8')));
  const indexed = indexPlant(plant).lines.get('line-a')!;
  const t0 = Date.UTC(2026, 0, 5, 6); // a Monday, the early shift starts
  const N = 5000;
  const events = shiftEvents(N, t0);
  const waitingAt = (ts: number): FloorEvent[] =>
    Array.from({ length: 10 }, (_, k) => ({ v: 1, id: ulid(ts + k), deviceId: 'tab-1', seq: 100_000 + k, ts: ts + k, author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'count', productId: 'widget', good: 1, reject: 0 }) as FloorEvent);
  const fold = new StationStateFold(plant, indexed);
  // Online (when statuses arrive) a tablet's entries are acknowledged within ~100 ms: nothing or one
  // entry waits. Ten waiting is the worst case worth timing (a burst of taps on a slow link).
  const tablet: Record<number, number[]> = { 0: [], 1: [], 10: [] };
  // Before (2026-12-04 morning): the overlay replayed every awaiting stop of the status (up to 50).
  const replayAll: Record<number, number[]> = { 1: [], 10: [] };
  const overlayReplayingAll = (parsed: StationStatus, waiting: FloorEvent[], now: number) => {
    const f = new StationStateFold(plant, indexed);
    for (const e of statusAsEvents(parsed, indexed)) f.add(e);
    for (const e of waiting) f.add(e);
    return f.read(now).stations.find((s) => s.stationId === parsed.stationId);
  };
  const service: number[] = [];
  let status: StationStatus | null = null;
  for (let i = 0; i < N; i++) {
    const e = events[i]!;
    const now = e.ts + 500;
    const s0 = cpu();
    fold.add(e);
    const payload = JSON.stringify(fold.read(now).stations[0]);
    service.push(cpu() - s0);
    for (const k of [0, 1, 10]) {
      const waiting = waitingAt(now).slice(0, k);
      const s1 = cpu();
      const parsed = stationStatusSchema.parse(JSON.parse(payload));
      status = overlayStation({ plant, indexed, status: parsed, waiting, now }).status;
      tablet[k]!.push(cpu() - s1);
      if (k === 0) continue;
      const s2 = cpu();
      overlayReplayingAll(stationStatusSchema.parse(JSON.parse(payload)), waiting, now);
      replayAll[k]!.push(cpu() - s2);
    }
  }
  // Baseline: the tablet folds everything itself, on the last 200 events of the shift (5,000 so far).
  const whole: number[] = [];
  for (let i = N - 200; i < N; i++) {
    const all = [...events.slice(0, i + 1), ...waitingAt(events[i]!.ts)];
    const s0 = cpu();
    foldStationStates(plant, indexed, all, events[i]!.ts + 500);
    whole.push(cpu() - s0);
  }
  const line = (name: string, xs: number[]) => console.log(`  ${name.padEnd(52)} median ${us(quantile(xs, 0.5))}  mean ${us(xs.reduce((a, b) => a + b, 0) / xs.length)}  p95 ${us(quantile(xs, 0.95))}`);
  console.log(`per incoming event, CPU time, shift of ${N} events (final state ${status?.state}, good ${status?.good}; load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}):`);
  for (const k of [0, 1, 10]) line(`tablet: parse status + overlay, ${k} entries waiting`, tablet[k]!);
  for (const k of [1, 10]) line(`before: overlay replaying all awaiting stops, ${k} waiting`, replayAll[k]!);
  line('service: incremental fold add + read', service);
  line('baseline: tablet refolds the whole shift (last 200)', whole);
}

async function latency(signals: number): Promise<void> {
  const { startService } = await import('../src/server/start-service.ts');
  const { configSchema } = await import('../src/server/config.ts');
  const dataDir = await mkdtemp(join(tmpdir(), 'floorboard-bench-'));
  const config = configSchema.parse({ port: 0, mqttTcpPort: 0, host: '127.0.0.1', dataDir, staticDir: join(dataDir, 'none'), logLevel: 'silent', isDemo: true, oeeIntervalMs: 5000 });
  const svc = await startService(config, { logger: pino({ level: 'silent' }), hasDefaultMetrics: false });
  const url = `http://127.0.0.1:${svc.httpPort}`;
  const login = async (body: Record<string, string>) => {
    const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`login ${JSON.stringify(body)}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  };
  const connect = async (username: string, password: string, clientId: string) => mqtt.connectAsync(`mqtt://127.0.0.1:${svc.mqttPort}`, { username, password, clientId, reconnectPeriod: 0 });
  const path = { site: 'werk-nord', area: 'machining', line: 'turn-1', station: 'turn-1-lathe' };
  const tablets = await Promise.all(['bench-tab-1', 'bench-tab-2'].map(async (id) => connect('op-1001', await login({ kind: 'badge', badge: '1001', pin: '5711', deviceId: id, stationId: path.station }), id)));
  const board = await connect('plant-manager', await login({ kind: 'password', userId: 'plant-manager', password: 'demo-manager', deviceId: 'bench-board' }), 'bench-board');
  const gw = await connect('gw-turn-1', await login({ kind: 'password', userId: 'gw-turn-1', password: 'demo-gateway-turn-1', deviceId: 'bench-gw' }), 'bench-gw');
  const arrivals = new Map<string, Map<string, number>>();
  const expect = (who: string, topic: string, client: mqtt.MqttClient, pick: (j: { state?: string; stop?: { stopId: string } | null; stopId?: string | null }) => string | null) => {
    client.on('message', (t, p) => {
      if (t !== topic) return;
      const key = pick(JSON.parse(p.toString()) as never);
      if (key && !arrivals.get(key)?.has(who)) arrivals.set(key, (arrivals.get(key) ?? new Map()).set(who, performance.now()));
    });
    return client.subscribeAsync(topic);
  };
  await expect('tablet-1', topics.stationStatus(path), tablets[0]!, (j) => (j.state === 'stopped' ? (j.stop?.stopId ?? null) : `run-${j.state}`));
  await expect('tablet-2', topics.stationStatus(path), tablets[1]!, (j) => (j.state === 'stopped' ? (j.stop?.stopId ?? null) : `run-${j.state}`));
  await expect('board', topics.lineStatus(path), board, (j) => (j.state === 'stopped' ? (j.stopId ?? null) : `run-${j.state}`));
  const delays: Record<string, number[]> = { 'tablet-1': [], 'tablet-2': [], board: [] };
  let seq = 0;
  for (let i = 0; i < signals; i++) {
    const id = ulid();
    const event = { v: 1, id, deviceId: 'bench-gw', seq: seq++, ts: Date.now(), author: 'gw-turn-1', lineId: 'turn-1', stationId: path.station, type: 'machine.state', state: 'fault' };
    const sent = performance.now();
    await gw.publishAsync(topics.signals(path), JSON.stringify({ events: [event] }), { qos: 1 });
    const deadline = Date.now() + 3000;
    while ((arrivals.get(id)?.size ?? 0) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    for (const [who, at] of arrivals.get(id) ?? []) delays[who]!.push(at - sent);
    const back = { ...event, id: ulid(), seq: seq++, ts: Date.now(), state: 'running' };
    await gw.publishAsync(topics.signals(path), JSON.stringify({ events: [back] }), { qos: 1 });
    await new Promise((r) => setTimeout(r, 150));
  }
  console.log(`machine signal (machine.state fault on ${path.station}) to arrival, ${signals} signals, loopback, demo simulator running:`);
  for (const [who, xs] of Object.entries(delays))
    console.log(`  ${who.padEnd(10)} received ${xs.length}/${signals}  p50 ${quantile(xs, 0.5)?.toFixed(1)} ms  p95 ${quantile(xs, 0.95)?.toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms`);
  for (const c of [...tablets, board, gw]) await c.endAsync();
  await svc.close();
  await rm(dataDir, { recursive: true, force: true });
}

await perEvent();
const li = process.argv.indexOf('--latency');
if (li >= 0) await latency(Number(process.argv[li + 1] ?? 100) || 100);
process.exit(0);
