// npm run bench:dashboard — the dashboards in Debian's Chromium against the real service:
// (1) the manager board with 50 lines, each publishing status + OEE at 1 Hz for 60 s: main-thread
//     busy share (CDP Performance metrics), long tasks (PerformanceObserver), JS heap start/end;
// (2) the line view opening 7 days of 1-minute data (10,080 points x 4 series): time to first chart.
// BENCH_SECONDS shortens (1); BENCH_SKIP_BUILD=1 reuses dist/.
import { execSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { chromium, type Page } from 'playwright-core';
import { topics } from '../src/core/topics.ts';
import type { LineStatus, OeeSnapshot } from '../src/core/live.schema.ts';
import { startService } from '../src/server/start-service.ts';
import { configSchema } from '../src/server/config.ts';

const root = new URL('../', import.meta.url).pathname;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const LINES = 50;
const SITE = 'bench-site';
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;

/** A plant of 5 areas x 10 lines, with the fixture's manager, lead and admin (their known demo secrets). */
async function writePlant(dir: string): Promise<string> {
  const fixture = JSON.parse(await readFile(join(root, 'test/fixtures/test.plant.json'), 'utf8'));
  const user = (id: string) => fixture.users.find((u: { id: string }) => u.id === id);
  const areas = Array.from({ length: 5 }, (_, a) => ({
    id: `area-${a}`,
    name: `Area ${a}`,
    lines: Array.from({ length: LINES / 5 }, (_, l) => {
      const id = `l${String(a * 10 + l).padStart(2, '0')}`;
      return { id, name: `Line ${id}`, stations: [{ id: `${id}-s1`, name: 'S1' }], products: [{ productId: 'widget', idealCycleTimeSec: 2 }] };
    }),
  }));
  const plant = { ...fixture, site: { id: SITE, name: 'Bench site' }, areas, users: [user('mgr'), user('admin'), { ...user('lead-a'), lines: ['l00'] }] };
  const file = join(dir, 'bench.plant.json');
  await writeFile(file, JSON.stringify(plant));
  return file;
}

async function login(base: string, body: Record<string, string>) {
  const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`login ${res.status}: ${await res.text()}`);
  return (await res.json()) as { token: string; mqtt: { username: string; password: string; clientId: string } };
}

async function signIn(page: Page, base: string, hash: string, userId: string, password: string) {
  await page.goto(`${base}/${hash}`);
  await page.getByLabel('User id', { exact: true }).fill(userId);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('dashboard-user').waitFor({ timeout: 20_000 });
}

const states: LineStatus['state'][] = ['running', 'running', 'running', 'fault', 'running', 'setup', 'running', 'starved'];

function status(area: string, line: string, tick: number, now: number): LineStatus {
  const state = states[Math.floor(tick / 7) % states.length]!;
  return { v: 1, siteId: SITE, areaId: area, lineId: line, state, since: now - (tick % 7) * 1000, stopId: null, reasonId: state === 'running' ? null : 'jam', isAwaitingReason: state === 'fault', productId: 'widget', shiftId: 'early', operatorId: null, updatedAt: now };
}

function snapshot(line: string, tick: number, now: number): OeeSnapshot {
  const planned = 3_600_000 + tick * 1000;
  const run = planned * (0.8 + 0.1 * Math.sin(tick / 9));
  const total = Math.floor(run / 2100);
  const reject = Math.floor(total * 0.02);
  return {
    v: 1, scope: 'line', id: line, siteId: SITE, shiftId: 'early', from: now - planned, to: now + 3_600_000, at: now,
    availability: run / planned, performance: (total * 2000) / run, quality: (total - reject) / total, oee: ((total - reject) * 2000) / planned,
    isScheduled: true, isPerformanceOverLimit: false, plannedMs: planned, noDataMs: 0, coverage: 1, runMs: run, stopMs: planned - run, good: total - reject, reject, total, stopCount: tick % 13, targetOee: 0.85,
    topLosses: [{ reasonId: 'jam', loss: 'breakdown', durationMs: planned - run, count: 3 }],
  };
}

/** Board under load: returns the figures of the run. */
async function boardRun(page: Page, base: string, mqttPort: number) {
  await signIn(page, base, '#/board', 'mgr', 'mgr-pass');
  await page.locator('[data-testid^="tile-"]').nth(LINES - 1).waitFor();
  page.on('crash', () => console.error('the page crashed'));
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && console.error(`page console: ${m.text()}`));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[]; longAt: number[] };
    w.longTasks = [];
    w.longAt = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => (w.longTasks.push(e.duration), w.longAt.push(e.startTime)))).observe({ type: 'longtask' });
  });
  // Stands in for the service's live OEE: the admin may publish on status and OEE topics, but not
  // retained (retained messages are the service's own), which the board, already subscribed, does not need.
  const admin = await login(base, { kind: 'password', userId: 'admin', password: 'admin-pass', deviceId: 'bench-publisher' });
  const client = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, { ...admin.mqtt, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => (client.once('connect', () => resolve()), client.once('error', reject)));
  const paths = Array.from({ length: LINES }, (_, i) => ({ site: SITE, area: `area-${Math.floor(i / 10)}`, line: `l${String(i).padStart(2, '0')}` }));
  // Warm-up: one round so every tile has data, then measure from a collected heap.
  const publishAll = (tick: number) => {
    for (const p of paths) {
      const now = Date.now();
      client.publish(topics.lineStatus(p), JSON.stringify(status(p.area, p.line, tick, now)), { retain: false, qos: 0 });
      client.publish(topics.lineOee(p), JSON.stringify(snapshot(p.line, tick, now)), { retain: false, qos: 0 });
    }
  };
  await page.locator('[data-testid="live-status"][data-connection="online"]').waitFor({ timeout: 20_000 });
  publishAll(0);
  // Every tile must show live data before the clock starts, or the run would measure an idle page.
  await page.locator('[data-testid="tile-l49"]:not([data-state="unknown"])').waitFor({ timeout: 20_000 });
  await page.waitForTimeout(2000);
  await cdp.send('HeapProfiler.collectGarbage');
  const metric = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')).metrics as { name: string; value: number }[]).map((m) => [m.name, m.value]));
  const start = await metric();
  const t0 = Date.now();
  let sent = 0;
  // Each line publishes once a second, spread evenly over the second (as 50 independent lines would).
  const timers = paths.map((p, i) =>
    setTimeout(() => {
      let tick = 1;
      const send = () => {
        const now = Date.now();
        client.publish(topics.lineStatus(p), JSON.stringify(status(p.area, p.line, tick, now)), { retain: false, qos: 0 });
        client.publish(topics.lineOee(p), JSON.stringify(snapshot(p.line, tick, now)), { retain: false, qos: 0 });
        sent += 2;
        tick++;
      };
      send();
      timers[i] = setInterval(send, 1000);
    }, (i * 1000) / LINES),
  );
  const browser = page.context().browser()!;
  const isTracing = Boolean(process.env.BENCH_TRACE);
  if (isTracing) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  timers.forEach((t) => clearInterval(t));
  if (isTracing) printTopTasks(JSON.parse((await browser.stopTracing()).toString('utf8')) as TraceFile);
  const mid = await metric();
  const wallS = (Date.now() - t0) / 1000;
  await page.waitForTimeout(500);
  await cdp.send('HeapProfiler.collectGarbage');
  const end = await metric();
  const t0Page = await page.evaluate((ms) => performance.now() - (Date.now() - ms), t0);
  const { longTasks, longAt } = await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[]; longAt: number[] };
    return { longTasks: w.longTasks, longAt: w.longAt };
  });
  const tileState = await page.locator('[data-testid="tile-l00"]').getAttribute('data-state');
  const live = page.getByTestId('live-status');
  const connection = `${await live.getAttribute('data-connection')}, ${await live.getAttribute('data-refused')} topics refused`;
  client.end(true);
  return {
    wallS,
    messages: sent,
    busy: (mid.TaskDuration! - start.TaskDuration!) / wallS,
    script: (mid.ScriptDuration! - start.ScriptDuration!) / wallS,
    layout: (mid.LayoutDuration! - start.LayoutDuration!) / wallS,
    style: (mid.RecalcStyleDuration! - start.RecalcStyleDuration!) / wallS,
    // Only tasks of the measured minute; the first render of 50 tiles (warm-up) is reported apart.
    longTasks: longTasks.filter((_, i) => longAt[i]! >= t0Page),
    longAt: longAt.filter((t) => t >= t0Page).map((t) => (t - t0Page) / 1000),
    warmupLongest: Math.max(0, ...longTasks.filter((_, i) => longAt[i]! < t0Page)),
    heapStart: start.JSHeapUsedSize!,
    heapEnd: end.JSHeapUsedSize!,
    tileState,
    connection,
  };
}

type TraceFile = { traceEvents: { name: string; ph: string; dur?: number; tid: number; pid: number; args?: { name?: string } }[] };

/** BENCH_TRACE=1: where the renderer's main thread spent its time, by top-level task kind. */
function printTopTasks(trace: TraceFile): void {
  const main = trace.traceEvents.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const byName = new Map<string, number>();
  for (const e of trace.traceEvents) {
    if (!main || e.tid !== main.tid || e.pid !== main.pid || e.ph !== 'X' || !e.dur) continue;
    byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur / 1000);
  }
  const tasks = trace.traceEvents.filter((e) => main && e.tid === main.tid && e.pid === main.pid && e.name === 'RunTask' && e.dur).map((e) => e.dur! / 1000).sort((a, b) => a - b);
  console.log(`  trace: ${tasks.length} tasks, p50 ${tasks[Math.floor(tasks.length / 2)]?.toFixed(2)} ms, p99 ${tasks[Math.floor(tasks.length * 0.99)]?.toFixed(1)} ms, max ${tasks.at(-1)?.toFixed(1)} ms, > 16 ms: ${tasks.filter((t) => t > 16).length}`);
  const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(`  trace (main thread, ms incl. nested): ${top.map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join(', ')}`);
}

/** 7 days of 1-minute buckets for one line, in the shape of GET /api/oee. */
function weekOfMinutes(lineId: string, from: number) {
  const buckets = Array.from({ length: 7 * 24 * 60 }, (_, i) => {
    const run = 60_000 * (0.7 + 0.3 * Math.abs(Math.sin(i / 97)));
    const total = Math.floor(run / 2000);
    const reject = i % 17 === 0 ? 1 : 0;
    return { start: from + i * 60_000, end: from + (i + 1) * 60_000, plannedMs: 60_000, runMs: run, stopMs: 60_000 - run, idealMs: total * 2000, availability: run / 60_000, performance: (total * 2000) / run, quality: (total - reject) / total, oee: ((total - reject) * 2000) / 60_000, isScheduled: true, isPerformanceOverLimit: false, lossMs: { breakdown: 60_000 - run }, stopCount: 0, good: total - reject, reject, total, topReasons: [] };
  });
  const total = { ...buckets[0]!, start: undefined, end: undefined };
  const scope = { scope: 'line', id: lineId, buckets, total };
  return { query: {}, lines: [scope], areas: [], site: { ...scope, scope: 'site', id: SITE } };
}

async function lineViewRun(page: Page, base: string) {
  const to = Date.now();
  const from = to - 7 * 86_400_000;
  const body = JSON.stringify(weekOfMinutes('l00', from));
  // The API buckets by hour at the finest; 1-minute data is served here to load the chart path.
  await page.route(/\/api\/oee\?.*by=hour/, (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
  const runs: { total: number; note?: string }[] = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(`${base}/#/board`);
    await page.getByTestId('board').waitFor();
    // A string, not a function: tsx's name helpers do not exist in the page.
    const r = (await page.evaluate(`(async () => {
      const t0 = performance.now();
      location.hash = '#/line/l00?from=${from}&to=${to}';
      const at = await new Promise((resolve) => {
        const mo = new MutationObserver(() => {
          if (document.querySelectorAll('figure[data-drawn="true"]').length >= 2) { mo.disconnect(); resolve(performance.now()); }
        });
        mo.observe(document.body, { subtree: true, attributes: true, childList: true });
        setTimeout(() => resolve(NaN), 15000);
      });
      if (Number.isNaN(at)) return { total: NaN, note: location.hash + ' ' + document.querySelectorAll('figure').length + ' figures; ' + (document.querySelector('[role=alert]')?.textContent ?? '') };
      await new Promise((r) => setTimeout(r, 50));
      return { total: at - t0 };
    })()`)) as { total: number; note?: string };
    if (r.note) console.log(`  not drawn: ${r.note}`);
    runs.push(r);
  }
  return runs;
}

async function main() {
  if (!process.env.BENCH_SKIP_BUILD) execSync('npx vite build --logLevel warn', { cwd: root, stdio: 'inherit' });
  const dir = await mkdtemp(join(tmpdir(), 'floorboard-bench-dash-'));
  const config = configSchema.parse({ port: 0, mqttTcpPort: 0, host: '127.0.0.1', plantFile: await writePlant(dir), dataDir: dir, staticDir: join(root, 'dist'), oeeIntervalMs: 3_600_000, logLevel: 'silent' });
  const service = await startService(config, { logger: pino({ level: 'silent' }), hasDefaultMetrics: false });
  const base = `http://127.0.0.1:${service.httpPort}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info'] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, serviceWorkers: 'block' })).newPage();
    const b = await boardRun(page, base, service.mqttPort!);
    const maxLong = Math.max(0, ...b.longTasks);
    const growth = b.heapEnd - b.heapStart;
    console.log(`board: ${LINES} lines x 1 Hz (status + OEE) for ${b.wallS.toFixed(1)} s, ${b.messages} messages`);
    console.log(`  main thread busy ${(b.busy * 100).toFixed(1)} % (script ${(b.script * 100).toFixed(1)} %, style ${(b.style * 100).toFixed(1)} %, layout ${(b.layout * 100).toFixed(1)} %)  [budget < 20 %] ${b.busy < 0.2 ? 'ok' : 'OVER'}`);
    console.log(`  long tasks ${b.longTasks.length}, longest ${maxLong.toFixed(0)} ms  [budget none > 50 ms] ${maxLong <= 50 ? 'ok' : 'OVER'}${b.longTasks.length ? ` (at ${b.longAt.map((t, i) => `${t.toFixed(1)} s: ${b.longTasks[i]!.toFixed(0)} ms`).join(', ')})` : ''}`);
    console.log(`  warm-up (first data for all 50 tiles at once, not in the budget): longest task ${b.warmupLongest.toFixed(0)} ms`);
    console.log(`  JS heap ${mb(b.heapStart)} -> ${mb(b.heapEnd)} (growth ${mb(growth)})  [budget < 5 MB] ${growth < 5 * 1024 * 1024 ? 'ok' : 'OVER'}`);
    console.log(`  last state of l00 on screen: ${b.tileState} (live: ${b.connection})`);
    const runs = await lineViewRun(page, base);
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const totals = runs.map((r) => r.total);
    console.log(`line view: 7 days of 1-minute data, 4 series x 10,080 points, 2 charts; 5 openings (the first also loads the view's code): ${totals.map((t) => t.toFixed(0)).join(', ')} ms`);
    console.log(`  open -> both charts drawn: median ${med(totals).toFixed(0)} ms, max ${Math.max(...totals).toFixed(0)} ms  [budget < 100 ms] ${med(totals) < 100 ? 'ok' : 'OVER'}`);
  } finally {
    await browser.close();
    await service.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
