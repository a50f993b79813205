/**
 * SHARED HELPERS OF THE CHAOS SUITE (`npm run test:chaos`, test/chaos/*.chaos.ts) AND OF `npm run bench:scale`: the plant
 * service as a child process that can be killed with SIGKILL, simulated devices that behave as the
 * real tablet and gateway do (the core outbox: keep every entry until the app-level ack, resend on
 * reconnect and after the ack timeout), and the count every case prints: sent, stored, lost,
 * doubled, in rows and in OEE totals. Loopback only; every process started here is stopped here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { ulid } from 'ulid';
import { ackSchema, topics, type FloorEvent } from '../../../src/core/index.ts';
import { OutboxState } from '../../../src/core/outbox/outbox-state.ts';
import { openStorage } from '../../../src/server/storage/open-storage.ts';
import { freePort, type MosquittoBroker } from '../../helpers/mosquitto.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PLANT = `${ROOT}test/fixtures/test.plant.json`;
export const SITE = 'test-site';
export const METRICS_TOKEN = 'chaos-metrics-token-0123456789abcdef';
const LINE_A = { site: SITE, area: 'assembly', line: 'line-a' };
const LINE_B = { site: SITE, area: 'assembly', line: 'line-b' };

/** The same limits as the tablet's sync engine (src/app/services/sync-engine.ts). */
const WINDOW = 8;
const BATCH_MAX = 100;
const ACK_TIMEOUT_MS = 15_000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` is true; throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** The service's environment for an external Mosquitto (its service account). */
export const mosquittoEnv = (m: MosquittoBroker): Record<string, string> => ({ MQTT_URL: m.serviceEnv.MQTT_URL!, MQTT_WS_URL: m.serviceEnv.MQTT_WS_URL!, MQTT_USERNAME: m.serviceEnv.MQTT_USERNAME!, MQTT_PASSWORD: m.serviceEnv.MQTT_PASSWORD! });

/** Every device taps once every `everyMs` (about 1,000 taps a second for 20 tablets) until the returned stop. */
export function keepTapping(devices: readonly SimDevice[], everyMs = 20): () => Promise<void> {
  let isTapping = true;
  const taps = (async () => {
    while (isTapping) {
      for (const d of devices) d.record();
      await sleep(everyMs);
    }
  })();
  return async () => {
    isTapping = false;
    await taps;
  };
}

// ---------------------------------------------------------------------------------------------
// The service as a child process (src/server/main.ts), on fixed ports so devices find it again.

export interface ServiceProcess {
  httpPort: number;
  /** Embedded broker's TCP port (null with MQTT_URL). */
  mqttPort: number | null;
  base: string;
  /** SIGKILL: no shutdown step runs. */
  kill9(): Promise<void>;
  /** Starts it again on the same ports and data. */
  restart(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** The tail of what it printed. */
  log(): string;
  readonly pid: number | undefined;
}

export async function startServiceProcess(o: { dataDir: string; env?: Record<string, string> }): Promise<ServiceProcess> {
  const httpPort = await freePort();
  const mqttPort = o.env?.MQTT_URL ? null : await freePort();
  let child: ChildProcess | null = null;
  let output = '';
  const env = {
    ...process.env,
    PORT: String(httpPort),
    ...(mqttPort ? { MQTT_TCP_PORT: String(mqttPort) } : {}),
    HOST: '127.0.0.1',
    DATA_DIR: o.dataDir,
    PLANT_FILE: PLANT,
    LOG_LEVEL: 'warn',
    METRICS_TOKEN,
    OEE_INTERVAL_MS: '1000',
    ...o.env,
  };
  const start = async () => {
    output = '';
    // CHAOS_CPU_PROF=DIR: each service process writes a V8 CPU profile there when it exits (not on SIGKILL).
    const profile = process.env.CHAOS_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CHAOS_CPU_PROF}`] : [];
    const c = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-8000));
    c.stdout!.on('data', keep);
    c.stderr!.on('data', keep);
    await waitFor(
      `the service on port ${httpPort}`,
      async () => {
        if (c.exitCode !== null) throw new Error(`service exited with ${c.exitCode}:\n${output}`);
        return fetch(`http://127.0.0.1:${httpPort}/healthz`).then(
          (r) => r.status === 200,
          () => false,
        );
      },
      30_000,
      100,
    );
  };
  const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())));
  await start();
  return {
    httpPort,
    mqttPort,
    base: `http://127.0.0.1:${httpPort}`,
    get pid() {
      return child?.pid;
    },
    async kill9() {
      const c = child!;
      c.kill('SIGKILL');
      await exited(c);
    },
    restart: start,
    async stop() {
      const c = child;
      if (!c) return;
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 12_000);
      await exited(c);
      clearTimeout(timer);
    },
    log: () => output,
  };
}

// ---------------------------------------------------------------------------------------------
// Logins and devices.

export type Login = { token: string; mqtt: { username: string; password: string; clientId: string } };

export const LOGINS = {
  opA: (deviceId: string) => ({ kind: 'badge', badge: '1001', pin: '1234', deviceId }),
  opB: (deviceId: string) => ({ kind: 'badge', badge: '1002', pin: '2345', deviceId }),
  gw: (deviceId: string) => ({ kind: 'password', userId: 'gw-a', password: 'gw-pass', deviceId }),
  admin: (deviceId: string) => ({ kind: 'password', userId: 'admin', password: 'admin-pass', deviceId }),
};

/** Signs in over HTTP; waits out the login guard's pacing (429) as a person would. */
export async function login(base: string, body: Record<string, unknown>): Promise<Login> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status === 200) return (await res.json()) as Login;
    const text = await res.text();
    if (res.status !== 429 || attempt > 20) throw new Error(`login ${JSON.stringify(body)}: ${res.status} ${text}`);
    await sleep((JSON.parse(text) as { error: { retryAfterMs: number } }).error.retryAfterMs + 10);
  }
}

type DeviceKind = 'tablet' | 'gateway' | 'probe';

/**
 * A device that behaves as the real ones: entries go into the core outbox (OutboxState) and leave
 * it only on the service's ack; batches of at most 100, 8 in flight, the link's loss makes every
 * sent entry pending again, and a batch unacked for 15 s goes out again. Reconnects every second.
 */
export class SimDevice {
  readonly box = new OutboxState();
  /** Every entry this device ever created (the truth the count compares storage with). */
  readonly created: FloorEvent[] = [];
  readonly rejected: { id: string; code: string; message: string }[] = [];
  client: MqttClient | null = null;
  #seq = 0;
  #batchNo = 0;
  #timer: NodeJS.Timeout | null = null;
  /** Called with each ack's accepted ids (the probe times the board from them). */
  onAccepted: ((ids: string[]) => void) | null = null;

  constructor(
    readonly deviceId: string,
    readonly kind: DeviceKind,
  ) {}

  get topic(): string {
    if (this.kind === 'gateway') return topics.signals({ ...LINE_A, station: 'a1' });
    if (this.kind === 'probe') return topics.events({ ...LINE_B, station: 'b1' });
    return topics.events({ ...LINE_A, station: 'a1' });
  }

  /** Waiting in the outbox (not rejected). */
  get waiting(): number {
    return this.box.size - this.rejected.length;
  }

  /** One operator count of 1 good part (tablet), a machine state (gateway), or a stop start/end (probe). */
  record(over: Partial<FloorEvent> & Record<string, unknown> = {}, ts = Date.now()): FloorEvent {
    const base = { v: 1, id: ulid(ts), deviceId: this.deviceId, seq: this.#seq++, ts };
    const event = (
      this.kind === 'gateway'
        ? { ...base, author: 'gw-a', lineId: 'line-a', stationId: 'a1', type: 'machine.state', state: 'running' }
        : this.kind === 'probe'
          ? { ...base, author: 'op-b', lineId: 'line-b', stationId: 'b1', type: 'stop.start', stopId: base.id, reasonId: 'jam' }
          : { ...base, author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'count', productId: 'widget', good: 1, reject: 0 }
    ) as Record<string, unknown>;
    const full = { ...event, ...over } as unknown as FloorEvent;
    this.box.add(full);
    this.created.push(full);
    this.pump();
    return full;
  }

  /** Connects (and keeps reconnecting) with the login's MQTT credentials. */
  connect(url: string, creds: Login['mqtt']): Promise<void> {
    const client = mqtt.connect(url, { username: creds.username, password: creds.password, clientId: this.deviceId, clean: true, reconnectPeriod: 1000, connectTimeout: 10_000, keepalive: 30, log: () => {} });
    this.client = client;
    const ackTopic = topics.ack(SITE, this.deviceId);
    client.on('connect', () => {
      client.subscribe(ackTopic, { qos: 1 }, () => this.pump());
    });
    client.on('close', () => this.box.connectionLost());
    client.on('error', () => {});
    client.on('message', (topic, payload) => {
      if (topic !== ackTopic) return;
      let json: unknown;
      try {
        json = JSON.parse(payload.toString('utf8'));
      } catch {
        return;
      }
      const ack = ackSchema.safeParse(json);
      if (!ack.success || ack.data.deviceId !== this.deviceId) return;
      const outcome = this.box.outcomeOf(ack.data);
      this.box.apply(outcome);
      this.rejected.push(...outcome.rejected);
      if (outcome.removed.length) this.onAccepted?.(outcome.removed);
      this.pump();
    });
    this.#timer = setInterval(() => {
      if (this.box.expire(Date.now(), ACK_TIMEOUT_MS) > 0) this.pump();
    }, 1000);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.deviceId}: no connection within 30 s`)), 30_000);
      client.once('connect', () => (clearTimeout(timer), resolve()));
    });
  }

  pump(): void {
    const client = this.client;
    if (!client?.connected) return;
    while (this.box.inflightBatches < WINDOW) {
      const batch = this.box.takeBatch(`${this.deviceId}-${this.#batchNo++}`, Date.now(), BATCH_MAX);
      if (!batch) break;
      client.publish(this.topic, JSON.stringify({ events: batch.events }), { qos: 1 }, () => {});
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.client?.endAsync(true).catch(() => undefined);
  }
}

/** Logs each device in, one after another (the login guard paces a user's concurrent attempts). */
export async function loginDevices(base: string, devices: SimDevice[], bodyOf: (d: SimDevice) => Record<string, unknown>): Promise<Map<SimDevice, Login>> {
  const logins = new Map<SimDevice, Login>();
  for (const d of devices) logins.set(d, await login(base, bodyOf(d)));
  return logins;
}

/** Logs each device in and connects them all. */
export async function connectDevices(base: string, url: string, devices: SimDevice[], bodyOf: (d: SimDevice) => Record<string, unknown>): Promise<void> {
  const logins = await loginDevices(base, devices, bodyOf);
  await Promise.all(devices.map((d) => d.connect(url, logins.get(d)!.mqtt)));
}

/** Resolves once every device's outbox is empty (all acked), or throws naming what is left. */
export async function drained(devices: SimDevice[], timeoutMs: number): Promise<void> {
  try {
    await waitFor('outboxes to drain', () => devices.every((d) => d.waiting === 0), timeoutMs, 200);
  } catch (error) {
    // Which devices are stuck, and whether their broker link is up: what a stall needs to be read.
    const stuck = devices.filter((d) => d.waiting > 0).map((d) => `${d.deviceId}: ${d.waiting} waiting, ${d.client?.connected ? 'connected' : 'not connected'}`);
    throw new Error(`${(error as Error).message} (${devices.reduce((n, d) => n + d.waiting, 0)} left; ${stuck.join('; ')})`);
  }
}

// ---------------------------------------------------------------------------------------------
// The count.

export interface Tally {
  sent: number;
  stored: number;
  lost: number;
  doubledRows: number;
  rejected: number;
  oeeGoodExpected: number;
  oeeGood: number;
  oeeLost: number;
  oeeDoubled: number;
}

/**
 * Compares what the devices created with what storage holds (rows per entry: 0 is lost, 2+ is
 * doubled) and with the OEE the service reports (`GET /api/oee` for line-a, computed by the core
 * engine from the stored events): good parts counted against good parts sent.
 */
export async function tally(o: { base: string; databaseUrl?: string; dataDir: string; devices: SimDevice[]; from: number; adminToken: string }): Promise<Tally> {
  const storage = openStorage(o.databaseUrl, o.dataDir);
  let rows: { id: string; deviceId: string; seq: number }[];
  try {
    rows = (await storage.listEvents({ limit: 1_000_000 })).events.map((r) => ({ id: r.event.id, deviceId: r.event.deviceId, seq: r.event.seq }));
  } finally {
    await storage.close();
  }
  const perEntry = new Map<string, number>();
  for (const r of rows) perEntry.set(`${r.deviceId}#${r.seq}`, (perEntry.get(`${r.deviceId}#${r.seq}`) ?? 0) + 1);
  let sent = 0;
  let stored = 0;
  let doubledRows = 0;
  let goodSent = 0;
  let rejected = 0;
  for (const d of o.devices) {
    rejected += d.rejected.length;
    for (const e of d.created) {
      sent++;
      const n = perEntry.get(`${e.deviceId}#${e.seq}`) ?? 0;
      if (n > 0) stored++;
      if (n > 1) doubledRows += n - 1;
      if (e.type === 'count') goodSent += e.good;
    }
  }
  const to = Date.now() + 60_000;
  const res = await fetch(`${o.base}/api/oee?from=${o.from}&to=${to}&line=line-a`, { headers: { authorization: `Bearer ${o.adminToken}` } });
  if (res.status !== 200) throw new Error(`/api/oee: ${res.status} ${await res.text()}`);
  const report = (await res.json()) as { lines: { id: string; total: { good: number } }[] };
  const oeeGood = report.lines.find((l) => l.id === 'line-a')?.total.good ?? 0;
  return {
    sent,
    stored,
    lost: sent - stored,
    doubledRows,
    rejected,
    oeeGoodExpected: goodSent,
    oeeGood,
    oeeLost: Math.max(0, goodSent - oeeGood),
    oeeDoubled: Math.max(0, oeeGood - goodSent),
  };
}

/** Prints one case's figures in one greppable line (docs/reliability.md quotes them). */
export function report(name: string, figures: Record<string, unknown>): void {
  console.log(`CHAOS ${name}: ${Object.entries(figures).map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : String(v)}`).join(' ')}`);
}

/** Percentile of a list (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Reads named series from /metrics (the scraper's token). */
export async function scrape(base: string, names: string[]): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const out: Record<string, number> = {};
  for (const name of names) {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
    if (m) out[name] = Number(m[1]);
  }
  return out;
}

/**
 * Times the board: the probe starts a stop on line-b, and the time until a subscriber sees the
 * retained line status naming that stop is one tap-to-board sample; then it ends the stop.
 */
export async function startBoardProbe(url: string, viewerLogin: Login, probe: SimDevice) {
  /** When each sample was taken (performance.now()) and how long the board took, ms. */
  const samples: { at: number; ms: number }[] = [];
  const viewer = mqtt.connect(url, { username: viewerLogin.mqtt.username, password: viewerLogin.mqtt.password, clientId: viewerLogin.mqtt.clientId, reconnectPeriod: 1000, log: () => {} });
  const statusTopic = topics.lineStatus(LINE_B);
  let waiting: { stopId: string | null; at: number } | null = null;
  viewer.on('message', (topic, payload) => {
    if (topic !== statusTopic || !waiting) return;
    const status = JSON.parse(payload.toString('utf8')) as { stopId: string | null };
    if (status.stopId === waiting.stopId) {
      samples.push({ at: waiting.at, ms: performance.now() - waiting.at });
      waiting = null;
    }
  });
  await new Promise<void>((resolve) => viewer.once('connect', () => viewer.subscribe(statusTopic, { qos: 1 }, () => resolve())));
  let isRunning = true;
  const loop = (async () => {
    while (isRunning) {
      const at = performance.now();
      const start = probe.record();
      waiting = { stopId: start.id, at };
      await waitFor('the board to show the stop', () => waiting === null || !isRunning, 60_000, 5).catch(() => (waiting = null));
      await sleep(500);
      waiting = { stopId: null, at: performance.now() };
      probe.record({ type: 'stop.end', stopId: start.id, reasonId: undefined } as Partial<FloorEvent>);
      await waitFor('the board to show the stop ended', () => waiting === null || !isRunning, 60_000, 5).catch(() => (waiting = null));
      await sleep(500);
    }
  })();
  return {
    samples,
    async stop() {
      isRunning = false;
      await loop;
      await viewer.endAsync(true);
    },
  };
}
