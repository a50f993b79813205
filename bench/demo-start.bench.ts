/**
 * A demo's first start, as `npm start` runs it (`node --import tsx src/server/main.ts --demo`, the
 * demo plant, a fresh DATA_DIR): time to /healthz, to the end of the backfill, and until the board's
 * data (the retained per-line OEE snapshots a board subscribes to, as the plant manager) holds the
 * backfilled shift for every line; then a later start on the same data as the baseline (no backfill).
 *   npm run bench:demo-start
 * Budgets (issue 10): /healthz within 30 s, the backfilled board within 90 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';

const HEALTHZ_BUDGET_MS = 30_000;
const BOARD_BUDGET_MS = 90_000;
const LINES = 8;

interface Snapshot {
  id: string;
  oee: number | null;
  good: number;
  isScheduled: boolean;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilHealthy(port: number, t0: number): Promise<number> {
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
}

/** Starts the service; resolves log lines by message as they come. */
function startService(dataDir: string, port: number): { child: ChildProcess; t0: number; seen: (msg: string) => Promise<{ at: number; line: Record<string, unknown> }> } {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--demo'], {
    env: { ...process.env, PORT: String(port), MQTT_TCP_PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: { at: number; line: Record<string, unknown> }[] = [];
  const waiting: { msg: string; resolve: (v: { at: number; line: Record<string, unknown> }) => void }[] = [];
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        const entry = { at: performance.now() - t0, line: JSON.parse(text) as Record<string, unknown> };
        lines.push(entry);
        if (typeof entry.line.msg === 'string' && entry.line.msg.startsWith('demo backfill: ') && entry.line.msg.endsWith('%')) process.stdout.write(`  ${entry.line.msg} at ${(entry.at / 1000).toFixed(1)} s\n`);
        for (const w of waiting.filter((x) => x.msg === entry.line.msg)) w.resolve(entry);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.on('data', () => {});
  const seen = (msg: string) =>
    new Promise<{ at: number; line: Record<string, unknown> }>((resolve) => {
      const hit = lines.find((l) => l.line.msg === msg);
      if (hit) resolve(hit);
      else waiting.push({ msg, resolve });
    });
  return { child, t0, seen };
}

/** Signs in as the plant manager and waits until every line's retained OEE snapshot has the shift's production. */
async function untilBoard(port: number, t0: number): Promise<{ ms: number; snapshots: Snapshot[] }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'password', userId: 'plant-manager', password: 'demo-manager', deviceId: 'bench-board' }),
  });
  const { mqtt: creds } = (await res.json()) as { mqtt: { path: string; username: string; password: string; clientId: string } };
  const client = mqtt.connect(`ws://127.0.0.1:${port}${creds.path}`, { username: creds.username, password: creds.password, clientId: creds.clientId, reconnectPeriod: 500 });
  const latest = new Map<string, Snapshot>();
  return new Promise((resolve) => {
    client.on('connect', () => client.subscribe('floorboard/v1/werk-nord/+/+/oee'));
    client.on('message', (_topic, payload) => {
      const s = JSON.parse(payload.toString()) as Snapshot;
      latest.set(s.id, s);
      const all = [...latest.values()];
      // Not scheduled right now (a weekend): the board says so, and has nothing more to show.
      if (all.length === LINES && all.every((x) => x.good > 0 || !x.isScheduled)) {
        client.end(true);
        resolve({ ms: performance.now() - t0, snapshots: all });
      }
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  const exit = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exit;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fb-demo-start-'));
  try {
    console.log('first start (fresh DATA_DIR, backfill):');
    const port = await freePort();
    const first = startService(dataDir, port);
    const healthz = await untilHealthy(port, first.t0);
    const board = untilBoard(port, first.t0);
    // The service keeps answering while the backfill runs: /healthz latency meanwhile.
    const latencies: number[] = [];
    let isBackfilling = true;
    const probing = (async () => {
      while (isBackfilling) {
        const t = performance.now();
        await fetch(`http://127.0.0.1:${port}/healthz`);
        latencies.push(performance.now() - t);
        await sleep(200);
      }
    })();
    const done = await first.seen('demo backfill: done');
    isBackfilling = false;
    await probing;
    latencies.sort((a, b) => a - b);
    const { ms: boardMs, snapshots } = await board;
    const live = await first.seen('demo simulator started');
    const buckets = await first.seen('demo backfill: hourly buckets written');
    await stop(first.child);

    console.log('later start (same DATA_DIR):');
    const port2 = await freePort();
    const second = startService(dataDir, port2);
    const healthz2 = await untilHealthy(port2, second.t0);
    const live2 = await second.seen('demo simulator started');
    await stop(second.child);

    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`\nfirst start: /healthz ${s(healthz)} (budget ${s(HEALTHZ_BUDGET_MS)}), backfill done ${s(done.at)} (${String(done.line.events)} events, ${String(done.line.seconds)} s of backfill), board shows the backfill ${s(boardMs)} (budget ${s(BOARD_BUDGET_MS)}), live simulator ${s(live.at)}, hourly buckets of the history written ${s(buckets.at)}`);
    console.log(`/healthz while backfilling (${latencies.length} requests): median ${latencies[Math.floor(latencies.length / 2)]!.toFixed(0)} ms, p95 ${latencies[Math.floor(latencies.length * 0.95)]!.toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`);
    console.log(`board OEE of the current shift: ${snapshots.map((x) => `${x.id} ${x.isScheduled && x.oee !== null ? `${(x.oee * 100).toFixed(0)} %` : 'not scheduled'}`).join(', ')}`);
    console.log(`later start (baseline, no backfill): /healthz ${s(healthz2)}, live simulator ${s(live2.at)}`);
    console.log(`budgets: healthz ${healthz <= HEALTHZ_BUDGET_MS ? 'met' : 'MISSED'}, board ${boardMs <= BOARD_BUDGET_MS ? 'met' : 'MISSED'}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
