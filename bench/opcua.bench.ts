// npm run bench:opcua — issue 15's budget: 500 OPC UA tags changing at 10 Hz through
// `floorboard gateway` into stored events; CPU per tag change of the gateway process and the
// latency from the change on the OPC UA server to the service receiving it (p95 budget < 500 ms).
// The same pipeline at 1 Hz is measured first in the same run, as the baseline. The machines (an
// OPC UA server), the gateway and the service (with its embedded broker) are three processes.
// Stations (2 changing counters each) and seconds per phase: BENCH_STATIONS (250), BENCH_SECONDS (20).
import { spawn } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { hashSecret } from '../src/server/auth/secrets.ts';
import { configSchema } from '../src/server/config.ts';
import { startService } from '../src/server/start-service.ts';

const STATIONS = Number(process.env.BENCH_STATIONS ?? 250);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const root = join(import.meta.dirname, '..');
const dir = await mkdtemp(join(tmpdir(), 'fb-bench-opcua-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stationId = (i: number) => `s${i}`;

// The machines: one OPC UA server in a process of its own (bench/support/opcua-bench-machines.ts).
const port = 48_000 + Math.floor(Math.random() * 1000);
const machines = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support/opcua-bench-machines.ts')], {
  env: { ...process.env, BENCH_STATIONS: String(STATIONS), BENCH_OPCUA_PORT: String(port), BENCH_DIR: dir }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const fromMachines = <T>(key: string) => new Promise<T>((resolve) => machines.on('message', (m: Record<string, T>) => key in m && resolve(m[key]!)));
await fromMachines('ready');
const endpoint = `opc.tcp://127.0.0.1:${port}/UA/Bench`;

// The plant: the fixture's, with STATIONS stations in lines of 10, each read over OPC UA by gw-bench.
const plant = JSON.parse(await readFile(join(root, 'test/fixtures/test.plant.json'), 'utf8')) as Record<string, unknown> & { users: Record<string, unknown>[] };
const lines = Array.from({ length: Math.ceil(STATIONS / 10) }, (_, l) => ({
  id: `bench-${l}`, name: `Bench ${l}`, products: [{ productId: 'widget', idealCycleTimeSec: 1 }], heartbeatTimeoutSec: 60,
  stations: Array.from({ length: Math.min(10, STATIONS - l * 10) }, (_, k) => {
    const i = l * 10 + k;
    return { id: stationId(i), name: `M${i}`, connector: { protocol: 'opcua', endpoint, heartbeatSec: 10, nodes: { state: `ns=1;s=M${i}.State`, counter: `ns=1;s=M${i}.Parts`, rejectCounter: `ns=1;s=M${i}.Rejects` }, states: { running: [1], stopped: [0] } } };
  }),
}));
plant.areas = [{ id: 'bench', name: 'Bench', lines }];
plant.users = [...plant.users.filter((u) => u.role === 'admin'), { id: 'gw-bench', name: 'Bench gateway', role: 'gateway', passwordHash: await hashSecret('gw-bench-pass'), stations: Array.from({ length: STATIONS }, (_, i) => stationId(i)) }];
delete plant.andon;
const plantFile = join(dir, 'plant.json');
await writeFile(plantFile, JSON.stringify(plant));

const service = await startService(configSchema.parse({ port: 0, mqttTcpPort: 0, host: '127.0.0.1', plantFile, dataDir: join(dir, 'service'), staticDir: join(dir, 'none'), logLevel: 'silent' }), { logger: pino({ level: 'silent' }), hasDefaultMetrics: false });
// BENCH_GATEWAY_PROFILE_DIR=dir: a CPU profile of the gateway process (both phases), written when it exits.
const gatewayProfile = process.env.BENCH_GATEWAY_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_GATEWAY_PROFILE_DIR] : [];
const gateway = spawn(process.execPath, [...gatewayProfile, '--import', 'tsx', join(root, 'src/cli/main.ts'), 'gateway', '--plant', plantFile, '--service', `http://127.0.0.1:${service.httpPort}`, '--user', 'gw-bench', '--data-dir', join(dir, 'gateway'), '--device', 'gw-bench-1'], {
  env: { ...process.env, FLOORBOARD_PASSWORD: 'gw-bench-pass' }, stdio: ['ignore', 'ignore', 'inherit'],
});

/** CPU seconds (user + system) the gateway process has used, from /proc. */
async function gatewayCpuSec(): Promise<number> {
  const fields = (await readFile(`/proc/${gateway.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
/** Events committed so far (the service's own counter: cheap enough to poll beside the load). */
const committed = async () => (await service.metrics.ingested.get()).values.reduce((sum, v) => sum + v.value, 0);
const counterEvents = async (from: number) => (await service.storage.listEvents({ types: ['machine.counter'], from, limit: 1_000_000 })).events;

/** BENCH_CPU_PROFILE=file: a CPU profile of this process (the service) over the 10 Hz phase. */
async function profiled<T>(on: boolean, run: () => Promise<T>): Promise<T> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!on || !file) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    session.disconnect();
  }
}

async function phase(hz: number): Promise<void> {
  const cpu0 = await gatewayCpuSec();
  const service0 = process.cpuUsage();
  const start = Date.now();
  const done = fromMachines<{ changes: number; sentMs: number; cpuSec: number }>('done');
  machines.send({ phase: { hz, seconds: SECONDS } });
  const { changes, cpuSec: machinesCpu } = await done;
  const sentMs = Date.now() - start;
  // Until the gateway has sent everything: nothing new committed for 2 s.
  let stored = await committed();
  for (let quiet = 0; quiet < 4; ) {
    await sleep(500);
    const n = await committed();
    quiet = n === stored ? quiet + 1 : 0;
    stored = n;
  }
  const cpu = (await gatewayCpuSec()) - cpu0;
  const serviceCpu = process.cpuUsage(service0);
  const events = await counterEvents(start);
  const lat = events.map((s) => s.receivedAt - s.event.ts).sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
  console.log(
    `${String(hz).padStart(2)} Hz: ${changes} tag changes in ${(sentMs / 1000).toFixed(1)} s (${Math.round(changes / (sentMs / 1000))}/s) -> ${events.length} counter events stored; ` +
      `gateway CPU ${cpu.toFixed(2)} s = ${((cpu * 1e6) / changes).toFixed(0)} µs per tag change (service ${((serviceCpu.user + serviceCpu.system) / 1e6).toFixed(2)} s, machines ${machinesCpu.toFixed(2)} s); ` +
      `change -> service latency p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${lat.at(-1)} ms`,
  );
}

try {
  // Every station connected and heard: a heartbeat from each.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const heard = new Set((await service.storage.listEvents({ types: ['machine.heartbeat'], limit: 1_000_000 })).events.map((s) => s.event.stationId));
    if (heard.size >= STATIONS) break;
    if (Date.now() > deadline) throw new Error(`only ${heard.size} of ${STATIONS} stations connected after 120 s`);
    await sleep(500);
  }
  console.log(`bench:opcua — ${STATIONS} stations × 2 counters = ${STATIONS * 2} tags, ${SECONDS} s per phase, gateway pid ${gateway.pid}`);
  await phase(1);
  await profiled(true, () => phase(10));
} finally {
  gateway.kill('SIGTERM');
  await new Promise((r) => gateway.once('exit', r));
  await service.close();
  machines.send({ stop: true });
  await new Promise((r) => machines.once('exit', r));
  await rm(dir, { recursive: true, force: true });
}
