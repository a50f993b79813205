/**
 * Ingest benchmark: `npm run bench:ingest` (env BENCH_EVENTS, BENCH_CONNECTIONS, BENCH_BATCH as a
 * comma-separated list of events per message, default 1,10,100; BENCH_BROKERS=mosquitto,embedded).
 * Publishes N valid events from several connections through Mosquitto and through the embedded
 * broker into SQLite, and prints events per second committed and acknowledged (the last app-level
 * ack arrives after the last commit), beside the raw delivery rate of the same broker measured in
 * the same run by a subscriber that only counts. BENCH_CPU_PROFILE=path writes a CPU profile of the
 * service during the load (open it in Chrome DevTools or speedscope).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startService, type Service } from '../src/server/start-service.ts';
import { runCli } from '../src/cli/main.ts';
import { configSchema } from '../src/server/config.ts';
import { MAX_BATCH_EVENTS } from '../src/core/events.schema.ts';

const N = Number(process.env.BENCH_EVENTS ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
/**
 * Events per message, one run each: 1 is live traffic (a tap, a machine signal), 100 a tablet
 * draining its outbox after an outage (the app sends at most 100 per message).
 */
const BATCHES = (process.env.BENCH_BATCH ?? '1,10,100').split(',').map(Number);
const PLANT = new URL('../test/fixtures/test.plant.json', import.meta.url).pathname;
const SITE = 'test-site';
/** BENCH_CPU_PROFILE=path: a V8 CPU profile of the service process during the load only (path.<broker>.cpuprofile). */
const PROFILE = process.env.BENCH_CPU_PROFILE;

/**
 * CPU time of this process's main thread (the service's event loop) in microseconds, from Linux's
 * /proc (user + system clock ticks of 10 ms: fine over a run of seconds); null elsewhere. The rest
 * of `process.cpuUsage` is the SQLite writer thread, V8's GC and compiler threads.
 */
function mainThreadCpuUs(): number | null {
  return procCpuUs(`/proc/self/task/${process.pid}/stat`);
}

/** CPU time (user + system) of a process or thread from its /proc stat file, in microseconds; null elsewhere. */
function procCpuUs(statFile: string): number | null {
  try {
    const stat = readFileSync(statFile, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const isOpen = await new Promise<boolean>((resolve) => {
      const s = createConnection(port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (isOpen) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}

interface Broker {
  name: string;
  url: string;
  /** The broker's own process, when it is not this one (its CPU time is read from /proc). */
  pid?: number;
  service: Service;
  credentials(userId: string, deviceId: string): Promise<string>;
  stop(): Promise<void>;
}

async function embedded(dir: string): Promise<Broker> {
  const service = await startService(configSchema.parse({ port: 0, mqttTcpPort: 0, host: '127.0.0.1', plantFile: PLANT, dataDir: dir, staticDir: join(dir, 'none'), logLevel: 'silent' }), {
    logger: pino({ level: 'silent' }),
    hasDefaultMetrics: false,
  });
  const credentials = async (userId: string, deviceId: string) => {
    const body = userId === 'admin' ? { kind: 'password', userId, password: 'admin-pass', deviceId } : { kind: 'badge', badge: '1001', pin: '1234', deviceId };
    const res = await fetch(`http://127.0.0.1:${service.httpPort}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return ((await res.json()) as { token: string }).token;
  };
  return { name: 'embedded Aedes', url: `mqtt://127.0.0.1:${service.mqttPort}`, service, credentials, stop: () => service.close() };
}

async function mosquitto(dir: string): Promise<Broker> {
  const port = await freePort();
  const conf = join(dir, 'broker');
  const args = ['broker-config', '--plant', PLANT, '--out', conf, '--auth', 'acl', '--tcp-port', String(port), '--ws-port', String(await freePort()), '--bind', '127.0.0.1'];
  let err = '';
  if ((await runCli(args, { out: () => {}, err: (t) => (err += t), cwd: dir })) !== 0) throw new Error(`broker-config failed: ${err}`);
  if (process.getuid?.() === 0) await appendFile(join(conf, 'mosquitto.conf'), 'user root\n');
  const passwords = JSON.parse(await readFile(join(conf, 'credentials.json'), 'utf8')) as Record<string, string>;
  const env = Object.fromEntries((await readFile(join(conf, 'service.env'), 'utf8')).trim().split('\n').map((l) => l.split(/=(.*)/s, 2) as [string, string]));
  const child: ChildProcess = spawn('/usr/sbin/mosquitto', ['-c', join(conf, 'mosquitto.conf')], { stdio: 'ignore' });
  await waitForPort(port);
  const url = `mqtt://127.0.0.1:${port}`;
  const service = await startService(
    configSchema.parse({ port: 0, host: '127.0.0.1', plantFile: PLANT, dataDir: dir, staticDir: join(dir, 'none'), mqttUrl: url, mqttUsername: env.MQTT_USERNAME, mqttPassword: env.MQTT_PASSWORD, logLevel: 'silent' }),
    { logger: pino({ level: 'silent' }), hasDefaultMetrics: false },
  );
  return {
    name: 'Mosquitto',
    url,
    ...(child.pid ? { pid: child.pid } : {}),
    service,
    credentials: async (userId) => passwords[userId]!,
    async stop() {
      await service.close();
      child.kill('SIGTERM');
    },
  };
}

/**
 * Runs the load (publishers and the counting subscriber) in a child process, so the service's
 * event loop is measured, not shared with the load generator.
 */
async function run(broker: Broker, batch: number) {
  const perConnection = Math.ceil(N / CONNECTIONS);
  const credentials: Record<string, string> = { admin: await broker.credentials('admin', 'bench-counter') };
  for (let i = 0; i < CONNECTIONS; i++) credentials[`bench-${i}`] = await broker.credentials('op-a', `bench-${i}`);
  const child = fork(new URL('./ingest-load.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const profiler = PROFILE ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const cpuBefore = process.cpuUsage();
  const mainBefore = mainThreadCpuUs();
  const brokerStat = broker.pid ? `/proc/${broker.pid}/stat` : null;
  const brokerBefore = brokerStat ? procCpuUs(brokerStat) : null;
  child.send({ url: broker.url, site: SITE, connections: CONNECTIONS, perConnection, batch, credentials });
  const load = await new Promise<{ ackMs: number; rawMs: number; acked: number; raw: number; cpuUs: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { ackMs: number; rawMs: number; acked: number; raw: number; cpuUs: number }));
    child.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
  });
  const cpu = process.cpuUsage(cpuBefore);
  const mainAfter = mainThreadCpuUs();
  const brokerAfter = brokerStat ? procCpuUs(brokerStat) : null;
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    await writeFile(`${PROFILE}.${broker.name.replace(/\W+/g, '-')}.${batch}.cpuprofile`, JSON.stringify(profile));
    profiler.disconnect();
  }
  child.kill();
  const total = perConnection * CONNECTIONS;
  const stored = (await broker.service.storage.listEvents({ lineIds: ['line-a'], limit: 1_000_000 })).events.length;
  const ackRate = total / (load.ackMs / 1000);
  const rawRate = total / (load.rawMs / 1000);
  return { broker: broker.name, eventsPerMessage: batch, events: total, stored, acked: load.acked, committedAndAckedPerSec: Math.round(ackRate), rawDeliveryPerSec: Math.round(rawRate), ratio: +(ackRate / rawRate).toFixed(2),
    // CPU of this process (the service; the load runs in the child) per event: robust to a busy machine.
    serviceCpuUsPerEvent: +((cpu.user + cpu.system) / total).toFixed(1),
    // Of which the event loop's thread: the one that bounds the rate when other cores are free.
    mainThreadUsPerEvent: mainBefore === null || mainAfter === null ? null : +((mainAfter - mainBefore) / total).toFixed(1),
    // The rest of the machine's work in the same run: the load generator (publishers, the counting
    // subscriber, ack reader) and an external broker. All share the 2 cores with the service.
    loadCpuUsPerEvent: +(load.cpuUs / total).toFixed(1),
    brokerCpuUsPerEvent: brokerBefore === null || brokerAfter === null ? null : +((brokerAfter - brokerBefore) / total).toFixed(1) };
}

const BROKERS = { mosquitto, embedded };
const only = process.env.BENCH_BROKERS?.split(',').map((b) => b.trim()) ?? Object.keys(BROKERS);
const unknown = only.filter((b) => !(b in BROKERS));
if (unknown.length) throw new Error(`BENCH_BROKERS: unknown broker(s) ${unknown.join(', ')}; choose from ${Object.keys(BROKERS).join(', ')}`);
if (!BATCHES.length || BATCHES.some((b) => !Number.isInteger(b) || b < 1 || b > MAX_BATCH_EVENTS))
  throw new Error(`BENCH_BATCH: a comma-separated list of whole numbers from 1 to ${MAX_BATCH_EVENTS}, got "${process.env.BENCH_BATCH}"`);

const results = [];
for (const batch of BATCHES) {
  for (const name of only) {
    const dir = await mkdtemp(join(tmpdir(), 'floorboard-bench-'));
    const broker = await BROKERS[name as keyof typeof BROKERS](dir);
    try {
      results.push(await run(broker, batch));
    } finally {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }
}
console.log(`ingest benchmark: ${N} events, ${CONNECTIONS} connections, ${BATCHES.join(' / ')} events per message, SQLite`);
console.table(results);
// The budgets are stated for Mosquitto; the embedded broker's rows only check completeness.
const isComplete = results.every((r) => r.stored === r.events && r.acked >= r.events);
console.log(`complete (every event stored and acked once): ${isComplete ? 'yes' : 'NO'}`);
let isOk = isComplete;
for (const r of results.filter((r) => r.broker === 'Mosquitto')) {
  const isRateOk = r.committedAndAckedPerSec >= 20_000;
  const isRatioOk = r.ratio >= 0.5;
  isOk &&= isRateOk && isRatioOk;
  console.log(`Mosquitto, ${r.eventsPerMessage} event(s) per message: >= 20,000 events/s ${isRateOk ? 'met' : 'MISSED'}; >= half the raw delivery rate ${isRatioOk ? 'met' : 'MISSED'} (${r.ratio})`);
}
console.log(isOk ? 'budget met' : 'BUDGET MISSED');
process.exitCode = isOk ? 0 : 1;
