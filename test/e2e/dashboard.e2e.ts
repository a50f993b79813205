import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test, expect, type Browser } from '@playwright/test';
import mqtt from 'mqtt';
import { Screens } from './support/screens.ts';
import { TestService, FIXTURE_PLANT } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';
import { DashboardPage } from './dashboard-pages.ts';

const SITE = 'test-site';
const PACK = { kind: 'password', userId: 'mgr-pack', password: 'mgr-pass' };
const OPERATOR = { kind: 'badge', badge: '1001', pin: '1234' };
const run = promisify(execFile);
let svc: TestService;
const screens = new Screens();
const context = (browser: Browser, isTablet = false) => screens.context(browser, isTablet);

test.beforeAll(async () => {
  await mkdir('test-results/dashboard', { recursive: true });
});
test.beforeEach(async () => {
  svc = await TestService.start();
});
test.afterEach(async () => {
  await screens.closeAll();
  await svc.dispose();
});

async function operatorTablet(browser: Browser): Promise<TabletPage> {
  const tablet = new TabletPage(await (await context(browser, true)).newPage());
  await tablet.open(svc.url);
  await tablet.enrol('lead-a', 'lead-pass', 'a1');
  await tablet.signIn('1001', '1234');
  await expect(tablet.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', /online|syncing/, { timeout: 15_000 });
  return tablet;
}

async function dashboard(browser: Browser, hash: string, user: string, password: string): Promise<DashboardPage> {
  const d = new DashboardPage(await (await context(browser)).newPage());
  // Script errors (a CSP refusal, an exception) are worth seeing; refused requests are tested apart.
  d.page.on('pageerror', (e) => console.log('page error:', e.message));
  d.page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && console.log('page console:', m.text()));
  await d.open(svc.url, hash);
  await d.signIn(user, password);
  await d.waitLive();
  return d;
}

/** Waits until the service stored an event that passes `accept`, and returns it. */
async function stored(accept: (e: Record<string, unknown>) => boolean) {
  await expect.poll(async () => (await svc.events()).some((s) => accept(s.event as unknown as Record<string, unknown>)), { timeout: 15_000 }).toBe(true);
  return (await svc.events()).find((s) => accept(s.event as unknown as Record<string, unknown>))!;
}

async function api(token: string, path: string): Promise<Response> {
  return fetch(`${svc.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

/** Signs in over the API as a fresh device; returns the MQTT credentials the contract hands out. */
async function login(body: Record<string, string>): Promise<{ token: string; mqtt: { username: string; password: string; clientId: string } }> {
  const deviceId = `dash-e2e-${Math.random().toString(36).slice(2, 10)}`;
  const res = await fetch(`${svc.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, deviceId }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { token: string; mqtt: { username: string; password: string; clientId: string } };
}

/** SUBACK of one subscription over MQTT-over-WebSocket with a user's session: 1 granted, 128 refused. */
async function subackOf(credentials: Record<string, string>, filter: string): Promise<number> {
  const { mqtt: auth } = await login(credentials);
  const client = mqtt.connect(`ws://127.0.0.1:${svc.port}/mqtt`, { ...auth, reconnectPeriod: 0, connectTimeout: 5000 });
  try {
    await new Promise<void>((resolve, reject) => (client.once('connect', () => resolve()), client.once('error', reject)));
    return await new Promise<number>((resolve, reject) =>
      client.subscribe(filter, { qos: 1 }, (error, granted) => (error?.name === 'ErrorWithSubackPacket' ? resolve(128) : error ? reject(error) : resolve(granted?.[0]?.qos ?? -1))),
    );
  } finally {
    client.end(true);
  }
}

test('a stop logged on a tablet shows on the lead line view and the manager board within 1 s of the commit', async ({ browser }) => {
  const tablet = await operatorTablet(browser);
  const lead = await dashboard(browser, '#/line/line-a', 'lead-a', 'lead-pass');
  const manager = await dashboard(browser, '#/board', 'mgr', 'mgr-pass');
  await expect(manager.tile('line-a')).toBeVisible();
  await expect(manager.tile('line-c')).toBeVisible();
  await lead.watchFor('seenJam', '[data-testid="line-view"]:has([data-testid="line-state"][data-state="stopped"]) [data-testid="line-reason"]', 'Jam');
  await manager.watchFor('seenJam', '[data-testid="tile-line-a"][data-state="stopped"] [data-testid="reason"]', 'Jam');

  await tablet.stopWithReason('Breakdown', 'Jam');
  const classify = await stored((e) => e.type === 'stop.classify' && e.reasonId === 'jam');
  const leadDelay = (await lead.seenAt('seenJam')) - classify.receivedAt;
  const boardDelay = (await manager.seenAt('seenJam')) - classify.receivedAt;
  console.log(`stop reason visible after the service received it: line view ${leadDelay} ms, board ${boardDelay} ms`);
  expect(leadDelay).toBeLessThan(1000);
  expect(boardDelay).toBeLessThan(1000);

  // The stop is listed in the lead's view with its reason, and the timeline band opens its detail.
  await expect(lead.page.locator('[data-testid="stops"] tr[data-reason="jam"]')).toBeVisible({ timeout: 5000 });
  await lead.page.locator('[data-testid="timeline"] rect[data-stop]').first().click();
  await expect(lead.page.getByTestId('stop-detail')).toContainText('Jam');
  await lead.screenshot('line-view');
  await manager.screenshot('board');
  await tablet.page.screenshot({ path: 'test-results/dashboard/operator.png' });

  // TV mode: no controls, every line fits the screen.
  await manager.page.goto(`${svc.url}/#/tv`);
  await expect(manager.page.getByTestId('tv')).toBeVisible();
  await expect(manager.page.locator('[data-testid="tv"] [data-testid^="tile-"]')).toHaveCount(3);
  await expect(manager.tile('line-a')).toHaveAttribute('data-state', 'stopped');
  await manager.screenshot('tv');

  // Network loss: the service goes away and comes back on the same port; the TV recovers alone.
  await svc.down();
  await expect(manager.page.getByTestId('live-status')).not.toHaveAttribute('data-connection', 'online', { timeout: 15_000 });
  await svc.up();
  await expect(manager.page.getByTestId('live-status')).toHaveAttribute('data-connection', 'online', { timeout: 15_000 });
  await tablet.waitSynced();
  await tablet.restart();
  await expect(manager.tile('line-a')).toHaveAttribute('data-state', 'running', { timeout: 10_000 });

  // Trends: OEE per line by day, and the comparison of lines.
  await manager.page.goto(`${svc.url}/#/trends`);
  await expect(manager.page.locator('[data-testid="compare"] tbody tr')).toHaveCount(3);
  await expect(manager.page.locator('[data-testid="trends"] figure[data-drawn="true"]')).toHaveCount(1);
  await manager.screenshot('trends');
});

test('the lead corrects a reason; the report, the board and the CLI agree on the new numbers', async ({ browser }) => {
  const tablet = await operatorTablet(browser);
  const lead = await dashboard(browser, '#/line/line-a', 'lead-a', 'lead-pass');
  const manager = await dashboard(browser, '#/board', 'mgr', 'mgr-pass');
  await tablet.stopWithReason('Breakdown', 'Jam');
  await tablet.page.waitForTimeout(2500);
  await tablet.restart();
  await tablet.bookCount(10, 2, 'scrap-dim');
  await stored((e) => e.type === 'count');
  const stopId = String((await stored((e) => e.type === 'stop.start')).event.id);
  const jam = await stored((e) => e.type === 'stop.classify' && e.reasonId === 'jam');

  // Reclassify Jam -> Setup, with a why; the service acknowledges it.
  await expect(lead.page.locator(`[data-testid="stops"] tr[data-stop="${stopId}"]`)).toHaveAttribute('data-reason', 'jam', { timeout: 10_000 });
  await lead.page.locator(`[data-testid="stops"] tr[data-stop="${stopId}"] button`).click();
  await lead.page.getByLabel('New reason').selectOption('setup');
  await lead.page.getByLabel('Why').fill('tool change, not a jam');
  await lead.page.getByRole('button', { name: 'Save correction' }).click();
  // A real correction event superseding the reason event, by the lead, with the why.
  const fix = await stored((e) => e.type === 'correction' && e.supersedes === jam.event.id);
  expect(fix.event).toMatchObject({ author: 'lead-a', reason: 'tool change, not a jam', replacement: { type: 'stop.classify', stopId, reasonId: 'setup' } });
  await expect(lead.page.locator(`[data-testid="stops"] tr[data-stop="${stopId}"]`)).toHaveAttribute('data-reason', 'setup', { timeout: 10_000 });
  // The raw entry stays.
  expect((await svc.events()).find((s) => s.event.id === jam.event.id)?.event).toMatchObject({ type: 'stop.classify', reasonId: 'jam' });
  // The service's audit trail: who, when, what, why.
  const entry = lead.page.locator(`[data-testid="audit"] li[data-target="${jam.event.id}"]`);
  await expect(entry).toHaveAttribute('data-kind', 'correction', { timeout: 10_000 });
  await expect(entry).toHaveAttribute('data-author', 'lead-a');
  await expect(entry).toContainText('Lea Lead');
  await expect(entry).toContainText('Jam → Setup');
  await expect(entry).toContainText('tool change, not a jam');
  await expect(entry.locator('time')).toHaveAttribute('datetime', new Date(fix.correctedTs).toISOString());

  // One closed window, the same for the report page, the API and the CLI.
  const events = await svc.events();
  const from = Math.floor(Math.min(...events.map((s) => s.correctedTs)) / 3_600_000) * 3_600_000;
  const to = Math.ceil((Math.max(...events.map((s) => s.correctedTs)) + 1000) / 1000) * 1000;
  await expect.poll(() => Date.now() > to).toBe(true);
  const token = await lead.token();
  const viaApi = (await (await api(token, `/api/oee?from=${from}&to=${to}&line=line-a`)).json()) as { lines: { total: Record<string, unknown> & { oee: number; topReasons: { reasonId: string | null; durationMs: number }[] } }[] };
  const apiTotal = viaApi.lines[0]!.total;
  expect(apiTotal.topReasons.map((r) => r.reasonId)).toContain('setup');
  expect(apiTotal.topReasons.map((r) => r.reasonId)).not.toContain('jam');

  const file = join(svc.dataDir, 'events.ndjson');
  await writeFile(file, events.map((s) => JSON.stringify({ ...s.event, ts: s.correctedTs })).join('\n'));
  const cli = await run('node', ['--import', 'tsx', 'src/cli/main.ts', 'oee', '--plant', FIXTURE_PLANT, '--events', file, '--from', new Date(from).toISOString(), '--to', new Date(to).toISOString(), '--by', 'window', '--line', 'line-a', '--format', 'json'], { timeout: 60_000 });
  const cliTotal = (JSON.parse(cli.stdout) as { lines: { total: Record<string, unknown> }[] }).lines[0]!.total;
  for (const key of ['oee', 'availability', 'performance', 'quality', 'good', 'reject', 'plannedMs', 'stopMs', 'topReasons']) expect(cliTotal[key], key).toEqual(apiTotal[key]);

  // The printable report shows the same numbers.
  await lead.page.goto(`${svc.url}/#/report/line-a?from=${from}&to=${to}`);
  // Through Intl in the reader's language (en here), from the same engine.
  await expect(lead.page.getByTestId('report-oee')).toHaveText(new Intl.NumberFormat('en', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(apiTotal.oee));
  await expect(lead.page.getByTestId('report-good')).toHaveText(new Intl.NumberFormat('en').format(Number(apiTotal.good)));
  await expect(lead.page.locator('[data-testid="report-reasons"] tr[data-key="setup"]')).toBeVisible();
  await expect(lead.page.locator('[data-testid="report-reasons"] tr[data-key="jam"]')).toHaveCount(0);
  await lead.screenshot('report');

  // The board's top loss follows the correction (live snapshot from the same engine).
  await expect(manager.tile('line-a').getByTestId('top-loss')).toContainText('Setup', { timeout: 5000 });
  await expect(manager.tile('line-a').getByTestId('produced')).toContainText(`${apiTotal.good} /`);
  // The manager's drill-down is read-only.
  await manager.tile('line-a').click();
  await expect(manager.page.getByTestId('line-view')).toBeVisible();
  await manager.page.locator(`[data-testid="stops"] tr[data-stop="${stopId}"] button`).click();
  await expect(manager.page.getByTestId('stop-detail')).toContainText('Read only');
  await expect(manager.page.getByRole('button', { name: 'Save correction' })).toHaveCount(0);
});

test('a manager of one area sees only its lines, and the server refuses the rest', async ({ browser }) => {
  const packing = await dashboard(browser, '#/board', 'mgr-pack', 'mgr-pass');
  await expect(packing.tile('line-c')).toBeVisible();
  await expect(packing.page.locator('[data-testid^="tile-"]')).toHaveCount(1);
  await packing.screenshot('board-packing');
  const token = await packing.token();
  expect((await api(token, '/api/oee?from=0&to=3600000&line=line-a')).status).toBe(403);
  expect((await api(token, '/api/stops?from=0&to=3600000&line=line-b')).status).toBe(403);
  expect((await api(token, '/api/oee?from=0&to=3600000&line=line-c')).status).toBe(200);
  expect(await subackOf(PACK, `floorboard/v1/${SITE}/assembly/line-a/status`)).toBe(128);
  expect(await subackOf(PACK, `floorboard/v1/${SITE}/+/+/oee`)).toBe(128);
  expect(await subackOf(PACK, `floorboard/v1/${SITE}/packing/line-c/status`)).toBe(1);
  // Opening another area's line shows nothing of it.
  await packing.page.goto(`${svc.url}/#/line/line-a`);
  await expect(packing.page.getByRole('alert')).toContainText('not yours');
});

test('an operator cannot open either board: the UI says so and the server refuses', async ({ browser }) => {
  const page = await (await context(browser)).newPage();
  const d = new DashboardPage(page);
  await d.open(svc.url, '#/board');
  await d.signInWithBadge('1001', '1234');
  await expect(page.getByTestId('dashboard-refused')).toBeVisible();
  await d.screenshot('operator-refused');
  const token = await d.token();
  // The board needs every line of the site and the site/area roll-ups: refused by API and broker.
  expect((await api(token, '/api/oee?from=0&to=3600000&line=line-a,line-b,line-c')).status).toBe(403);
  expect((await api(token, '/api/timeline?from=0&to=3600000&line=line-b')).status).toBe(403);
  expect(await subackOf(OPERATOR, `floorboard/v1/${SITE}/oee`)).toBe(128);
  expect(await subackOf(OPERATOR, `floorboard/v1/${SITE}/+/+/status`)).toBe(128);
  expect(await subackOf(OPERATOR, `floorboard/v1/${SITE}/assembly/oee`)).toBe(128);
});
