// npm run bench:scale — issue 16: the service as 1, 2 and 3 cluster instances (CLUSTER_GROUP) on one
// Mosquitto and one PostgreSQL, against the baselines of the same run: one plain service on
// PostgreSQL and one on SQLite, all behind the same Mosquitto configuration. Each scenario: 20
// simulated tablets (the core outbox: batches of at most 100, 8 in flight, resend after 15 s) hand
// over BENCH_EVENTS events (40000) as fast as acks come back; events/s committed (first record to
// last ack) and, per instance, CPU per event (from /proc; the 2 cores here are shared by
// everything, so CPU per event says more than the rate). Then the failover: three instances under
// 1,000 taps a second, the leader killed with SIGKILL BENCH_KILLS times (3): time until another
// instance holds the lease, and until the board gets that leader's first OEE snapshot.
// Loopback only; every process it starts it stops.
import mqtt from 'mqtt';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics } from '../src/core/index.ts';
import { startMosquitto, type MosquittoBroker } from '../test/helpers/mosquitto.ts';
import { startTestPostgres, withPgClient, type TestPostgres } from '../test/helpers/postgres.ts';
import {
  connectDevices, drained, keepTapping, login, LOGINS, mosquittoEnv, PLANT, SimDevice, SITE, sleep, startServiceProcess, tally, waitFor, type ServiceProcess,
} from '../test/chaos/support/sim-fleet.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 40_000);
const DEVICES = 20;
const KILLS = Number(process.env.BENCH_KILLS ?? 3);
const TOKEN_SECRET = 'bench-scale-token-secret-0123456789abcdef';
const LINE_A = { site: SITE, area: 'assembly', line: 'line-a' };

/** CPU seconds (user + system) a process has used so far. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Scenario {
  label: string;
  instances: number;
  storage: 'sqlite' | 'postgres';
  isCluster: boolean;
}

interface Running {
  mosquitto: MosquittoBroker;
  instances: ServiceProcess[];
  databaseUrl: string | undefined;
  dirs: string[];
  stop(): Promise<void>;
}

async function startScenario(s: Scenario, pg: TestPostgres): Promise<Running> {
  const mosquitto = await startMosquitto(PLANT, 'dynsec');
  const databaseUrl = s.storage === 'postgres' ? await pg.createDatabase() : undefined;
  const dirs: string[] = [];
  const instances: ServiceProcess[] = [];
  for (let i = 0; i < s.instances; i++) {
    const dataDir = await mkdtemp(join(tmpdir(), 'fb-bench-scale-'));
    dirs.push(dataDir);
    const env: Record<string, string> = { ...mosquittoEnv(mosquitto), TOKEN_SECRET, OEE_INTERVAL_MS: '1000', LOG_LEVEL: 'error' };
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    if (s.isCluster) Object.assign(env, { CLUSTER_GROUP: 'bench', INSTANCE_ID: `inst-${i}` });
    instances.push(await startServiceProcess({ dataDir, env }));
  }
  return {
    mosquitto, instances, databaseUrl, dirs,
    async stop() {
      for (const p of instances) await p.stop();
      await mosquitto.stop();
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    },
  };
}

async function ingestRate(s: Scenario, pg: TestPostgres) {
  const run = await startScenario(s, pg);
  const devices = Array.from({ length: DEVICES }, (_, i) => new SimDevice(`${s.label.toLowerCase().replace(/\W+/g, '-')}-${i}`, 'tablet'));
  try {
    await connectDevices(run.instances[0]!.base, `mqtt://127.0.0.1:${run.mosquitto.tcpPort}`, devices, (d) => LOGINS.opA(d.deviceId));
    const admin = await login(run.instances[0]!.base, LOGINS.admin(`${s.label.toLowerCase().replace(/\W+/g, '-')}-admin`));
    await sleep(1000);
    const from = Date.now() - 60_000;
    const cpu0 = await Promise.all(run.instances.map((p) => cpuSeconds(p.pid!)));
    const t0 = performance.now();
    for (let k = 0; k < EVENTS / DEVICES; k++) for (const d of devices) d.record();
    await drained(devices, 600_000);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = (await Promise.all(run.instances.map((p) => cpuSeconds(p.pid!)))).map((c, i) => c - cpu0[i]!);
    const count = await tally({ base: run.instances[0]!.base, ...(run.databaseUrl ? { databaseUrl: run.databaseUrl } : {}), dataDir: run.dirs[0]!, devices, from, adminToken: admin.token });
    if (count.lost || count.doubledRows) throw new Error(`${s.label}: lost ${count.lost}, doubled ${count.doubledRows}`);
    const totalCpu = cpu.reduce((a, b) => a + b, 0);
    return { label: s.label, rate: EVENTS / seconds, seconds, cpuPerEventUs: cpu.map((c) => (c * 1e6) / EVENTS), totalCpuPerEventUs: (totalCpu * 1e6) / EVENTS };
  } finally {
    await Promise.all(devices.map((d) => d.close()));
    await run.stop();
  }
}

async function failover(pg: TestPostgres) {
  const run = await startScenario({ label: 'failover', instances: 3, storage: 'postgres', isCluster: true }, pg);
  const devices = Array.from({ length: DEVICES }, (_, i) => new SimDevice(`fo-${i}`, 'tablet'));
  const lease = () => withPgClient(run.databaseUrl!, async (c) => (await c.query<{ holder: string; epoch: string }>('SELECT holder, epoch FROM leader_leases')).rows[0]);
  const viewerLogin = await login(run.instances[0]!.base, LOGINS.admin('fo-viewer'));
  const viewer = mqtt.connect(`mqtt://127.0.0.1:${run.mosquitto.tcpPort}`, { ...viewerLogin.mqtt, reconnectPeriod: 1000, log: () => {} });
  const epochsSeen = new Map<number, number>();
  viewer.on('message', (_topic, payload) => {
    const version = (JSON.parse(payload.toString()) as { version?: number }).version;
    if (version !== undefined && !epochsSeen.has(Math.floor(version / 2 ** 32))) epochsSeen.set(Math.floor(version / 2 ** 32), performance.now());
  });
  await new Promise<void>((resolve) => viewer.once('connect', () => viewer.subscribe(topics.lineOee(LINE_A), { qos: 1 }, () => resolve())));
  const results: { takeoverMs: number; snapshotMs: number }[] = [];
  try {
    await connectDevices(run.instances[0]!.base, `mqtt://127.0.0.1:${run.mosquitto.tcpPort}`, devices, (d) => LOGINS.opA(d.deviceId));
    const stopTapping = keepTapping(devices);
    for (let k = 0; k < KILLS; k++) {
      await sleep(5000);
      const before = (await lease())!;
      const leader = run.instances[Number(before.holder.slice('inst-'.length))]!;
      await leader.kill9();
      const killedAt = performance.now();
      let after = before;
      await waitFor('a new leader', async () => ((after = (await lease()) ?? before), after.epoch !== before.epoch), 30_000, 20);
      const takeoverMs = performance.now() - killedAt;
      await waitFor('the new leader\'s first snapshot', () => epochsSeen.has(Number(after.epoch)), 60_000, 20);
      results.push({ takeoverMs, snapshotMs: epochsSeen.get(Number(after.epoch))! - killedAt });
      await leader.restart();
    }
    await stopTapping();
    await drained(devices, 120_000);
    return results;
  } finally {
    viewer.end(true);
    await Promise.all(devices.map((d) => d.close()));
    await run.stop();
  }
}

const pg = await startTestPostgres();
try {
  const scenarios: Scenario[] = [
    { label: 'one service, SQLite', instances: 1, storage: 'sqlite', isCluster: false },
    { label: 'one service, PostgreSQL', instances: 1, storage: 'postgres', isCluster: false },
    { label: 'cluster of 1', instances: 1, storage: 'postgres', isCluster: true },
    { label: 'cluster of 2', instances: 2, storage: 'postgres', isCluster: true },
    { label: 'cluster of 3', instances: 3, storage: 'postgres', isCluster: true },
  ];
  const rows = [];
  for (const s of scenarios) {
    const r = await ingestRate(s, pg);
    rows.push(r);
    console.log(`${r.label}: ${Math.round(r.rate)} events/s (${r.seconds.toFixed(1)} s); CPU per event ${r.cpuPerEventUs.map((c) => `${c.toFixed(0)} µs`).join(' + ')} = ${r.totalCpuPerEventUs.toFixed(0)} µs`);
  }
  const one = rows.find((r) => r.label === 'cluster of 1')!;
  console.log('\n| scenario | events/s | ratio to cluster of 1 | CPU per event, each instance | CPU per event, all |');
  console.log('|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.label} | ${Math.round(r.rate)} | ${(r.rate / one.rate).toFixed(2)} | ${r.cpuPerEventUs.map((c) => `${c.toFixed(0)} µs`).join(', ')} | ${r.totalCpuPerEventUs.toFixed(0)} µs (${(r.totalCpuPerEventUs / one.totalCpuPerEventUs).toFixed(2)}x) |`);
  const kills = await failover(pg);
  console.log(`\nfailover (3 instances, 1,000 taps/s, leader killed with SIGKILL ${kills.length} times):`);
  for (const [i, k] of kills.entries()) console.log(`  kill ${i + 1}: new leader after ${Math.round(k.takeoverMs)} ms, its first OEE snapshot after ${Math.round(k.snapshotMs)} ms`);
} finally {
  await pg.stop();
}
