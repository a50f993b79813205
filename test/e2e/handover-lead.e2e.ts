import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import mqtt from 'mqtt';
import { ulid } from 'ulid';
import { Screens } from './support/screens.ts';
import { TestService, FIXTURE_PLANT } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { setLanguage } from './support/language.ts';

const SITE = 'test-site';
const SHOTS = 'test-results/handover-lead';
let svc: TestService;
let plantFile: string;
const screens = new Screens();
const context = (browser: Browser, isTablet = false) => screens.context(browser, isTablet);

test.beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
});
test.beforeEach(async () => {
  svc = await TestService.start();
  // A second operator at station a1 (Carla, badge 1003, Olga's PIN): each signs in on a tablet of their own.
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { users: Record<string, unknown>[] };
  const olga = plant.users.find((u) => u.id === 'op-a')!;
  plant.users.push({ ...olga, id: 'op-c', name: 'Carla C', badge: '1003', stations: ['a1'] });
  plantFile = join(svc.dataDir, 'two-operators.plant.json');
  await writeFile(plantFile, JSON.stringify(plant));
  await svc.down();
  await svc.up(plantFile);
});
test.afterEach(async () => {
  await screens.closeAll();
  await svc.dispose();
});

async function tablet(browser: Browser, badge: string): Promise<TabletPage> {
  const t = new TabletPage(await (await context(browser, true)).newPage());
  await t.open(svc.url);
  await t.enrol('lead-a', 'lead-pass', 'a1');
  await t.signIn(badge, '1234');
  await expect(t.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', /online|syncing/, { timeout: 15_000 });
  return t;
}

async function leadView(browser: Browser, hash = '#/line/line-a'): Promise<DashboardPage> {
  const d = new DashboardPage(await (await context(browser, false)).newPage());
  d.page.on('pageerror', (e) => console.log('page error:', e.message));
  await d.open(svc.url, hash);
  await d.signIn('lead-a', 'lead-pass');
  await d.waitLive();
  return d;
}

/** Serious or critical axe findings in one part of the page. */
async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include(selector).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}


test('a handover written offline syncs, is read and acknowledged at sign-in on a second tablet, and the lead sees who acked', async ({ browser }) => {
  test.setTimeout(120_000);
  const outgoing = await tablet(browser, '1001');
  await svc.down();
  // Offline: three taps and a text, into the outbox like every entry.
  const writer = outgoing.page.getByTestId('handover-writer');
  const open = writer.getByRole('button', { name: 'Write shift handover' });
  if (await open.isVisible()) await open.tap();
  const material = writer.getByRole('button', { name: 'Material' });
  expect((await material.boundingBox())!.height).toBeGreaterThanOrEqual(64);
  await material.tap();
  await expect(material).toHaveAttribute('aria-pressed', 'true');
  await writer.getByLabel('Details').fill('Bar stock for W-100 runs out at 23:00, order placed');
  await outgoing.page.screenshot({ path: `${SHOTS}/tablet-handover-write-en.png`, fullPage: true });
  expect(await seriousViolations(outgoing.page, '[data-testid="handover-writer"]')).toEqual([]);
  await writer.getByRole('button', { name: 'Save handover' }).tap();
  await expect(outgoing.page.getByRole('status').filter({ hasText: 'Saved on this tablet' })).toBeVisible();
  expect(await outgoing.outboxIds()).toHaveLength(1);

  await svc.up(plantFile);
  await outgoing.waitSynced();
  const handover = (await svc.events()).find((s) => s.event.type === 'handover')!.event;
  expect(handover).toMatchObject({ author: 'op-a', stationId: 'a1', scope: 'station', topics: ['material'], text: 'Bar stock for W-100 runs out at 23:00, order placed' });

  // The incoming operator signs in on the other tablet of the station and reads it there.
  const incoming = await tablet(browser, '1003');
  const inbox = incoming.page.getByTestId('handover-inbox');
  await expect(inbox).toContainText('Bar stock for W-100 runs out at 23:00', { timeout: 15_000 });
  await expect(inbox).toContainText('Olga A');
  await expect(inbox).toContainText('Material');
  await incoming.page.screenshot({ path: `${SHOTS}/tablet-handover-inbox-en.png`, fullPage: true });
  expect(await seriousViolations(incoming.page, '[data-testid="handover-inbox"]')).toEqual([]);
  await setLanguage(incoming.page, 'de');
  await expect(inbox).toContainText('Übergabe zu lesen');
  await incoming.page.screenshot({ path: `${SHOTS}/tablet-handover-inbox-de.png`, fullPage: true });
  await setLanguage(incoming.page, 'en');
  const ack = inbox.getByRole('button', { name: 'Read – acknowledge' });
  expect((await ack.boundingBox())!.height).toBeGreaterThanOrEqual(64);
  await ack.tap();
  await expect(inbox).toHaveCount(0);
  await incoming.waitSynced();
  const acked = (await svc.events()).find((s) => s.event.type === 'handover.ack')!.event;
  expect(acked).toMatchObject({ author: 'op-c', stationId: 'a1', handoverId: handover.id });

  // The lead sees the handover and who acknowledged it, where and when.
  const lead = await leadView(browser);
  const item = lead.page.locator(`[data-testid="handovers"] li[data-handover="${handover.id}"]`);
  await expect(item).toContainText('Bar stock for W-100', { timeout: 10_000 });
  await expect(item.locator('[data-ack-by="op-c"]')).toContainText('Acknowledged by Carla C at A1');
  await lead.page.getByTestId('shift-log').screenshot({ path: `${SHOTS}/lead-shift-log-en.png` });
  expect(await seriousViolations(lead.page, '[data-testid="shift-log"]')).toEqual([]);
  // The lead hands over the whole line, through the lead's corrections path.
  const log = lead.page.getByTestId('shift-log');
  await log.getByRole('button', { name: 'Open problems' }).click();
  await log.getByLabel('Details').fill('Press 2 leaks oil, maintenance booked for 06:00');
  await log.getByRole('button', { name: 'Save handover' }).click();
  await expect(log.getByRole('status')).toHaveText('Handover saved.', { timeout: 10_000 });
  // Saved in the lead's outbox first; the service's acknowledgement confirms it.
  await expect(lead.page.locator('[data-testid="lead-outbox"] li[data-state="confirmed"]')).toContainText('Press 2 leaks oil', { timeout: 10_000 });
  const lineHandover = (await svc.events()).find((s) => s.event.type === 'handover' && s.event.scope === 'line')!;
  expect(lineHandover.event).toMatchObject({ author: 'lead-a', lineId: 'line-a', topics: ['open-problems'], text: 'Press 2 leaks oil, maintenance booked for 06:00' });
  await expect(log.locator(`li[data-handover="${lineHandover.event.id}"]`)).toContainText('Whole line', { timeout: 10_000 });
  await setLanguage(lead.page, 'de');
  await expect(item.locator('[data-ack-by="op-c"]')).toContainText('Bestätigt von Carla C an A1');
  await lead.page.screenshot({ path: `${SHOTS}/lead-view-de.png`, fullPage: true });
});

/** Publishes events as op-a on a station's events topic over MQTT and waits for the service's ack. */
async function publishAsOperator(events: Record<string, unknown>[], station: string): Promise<void> {
  const deviceId = `tab-seed-${Math.random().toString(36).slice(2, 8)}`;
  const res = await fetch(`${svc.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'badge', badge: '1001', pin: '1234', deviceId }) });
  const { mqtt: auth } = (await res.json()) as { mqtt: { username: string; password: string; clientId: string } };
  const client = mqtt.connect(`ws://127.0.0.1:${svc.port}/mqtt`, { ...auth, reconnectPeriod: 0, connectTimeout: 5000 });
  try {
    await new Promise<void>((resolve, reject) => (client.once('connect', () => resolve()), client.once('error', reject)));
    const ackTopic = `floorboard/v1/${SITE}/_ack/${deviceId}`;
    await client.subscribeAsync(ackTopic, { qos: 1 });
    const acked = new Promise<string>((resolve) => client.on('message', (_t, p) => resolve(p.toString())));
    const batch = events.map((e, seq) => ({ v: 1, id: ulid(), deviceId, seq, author: 'op-a', lineId: 'line-a', stationId: station, ...e }));
    await client.publishAsync(`floorboard/v1/${SITE}/assembly/line-a/station/${station}/events`, JSON.stringify({ events: batch }), { qos: 1 });
    expect(JSON.parse(await acked).rejected).toEqual([]);
  } finally {
    client.end(true);
  }
}

test('the lead filters stops by station and "no reason yet", and a correction to the same reason is refused', async ({ browser }) => {
  test.setTimeout(90_000);
  const now = Date.now();
  const jamId = ulid(now - 10 * 60_000);
  const openId = ulid(now - 6 * 60_000);
  await publishAsOperator([
    { id: jamId, ts: now - 10 * 60_000, type: 'stop.start', stopId: jamId, reasonId: 'jam' },
    { ts: now - 7 * 60_000, type: 'stop.end', stopId: jamId },
  ], 'a1');
  await publishAsOperator([
    { id: openId, ts: now - 6 * 60_000, type: 'stop.start', stopId: openId },
    { ts: now - 3 * 60_000, type: 'stop.end', stopId: openId },
  ], 'a2');

  // A window of its own around the stops: run in a shift's first ten minutes, the current shift
  // (the view's default) would not hold them.
  const lead = await leadView(browser, `#/line/line-a?from=${now - 15 * 60_000}&to=${now + 15 * 60_000}`);
  const rows = lead.page.locator('[data-testid="stops"] tbody tr[data-stop]');
  await expect(rows).toHaveCount(2, { timeout: 10_000 });
  // Station, operator and product named on each row; the badge names the reason's category.
  const jamRow = lead.page.locator(`[data-testid="stops"] tr[data-stop="${jamId}"]`);
  await expect(jamRow).toContainText('A1');
  await expect(jamRow).toContainText('Olga A');
  await expect(jamRow.locator('.badge')).toContainText('Breakdown');

  await lead.page.getByTestId('filter-station').selectOption('a2');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-stop', openId);
  await lead.page.getByTestId('filter-station').selectOption('');
  await lead.page.getByTestId('filter-reason').selectOption({ label: 'No reason yet' });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-stop', openId);
  await lead.page.getByTestId('filter-reason').selectOption('breakdown');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-stop', jamId);
  await lead.page.screenshot({ path: `${SHOTS}/lead-stops-filtered-en.png`, fullPage: true });
  expect(await seriousViolations(lead.page, '[data-testid="line-view"]')).toEqual([]);
  // Chart legends say something without a cursor on the plot, and Pareto columns are headed.
  await expect(lead.page.locator('.u-legend').first()).toBeVisible();
  for (const legend of await lead.page.locator('.u-legend').all()) await expect(legend).not.toContainText('--');
  await expect(lead.page.getByTestId('pareto-reason').getByRole('columnheader', { name: 'Duration' })).toBeVisible();

  // "Jam → Jam" changes nothing: the lead view says so and sends nothing.
  await jamRow.getByRole('button').click();
  await lead.page.getByLabel('New reason').selectOption('jam');
  await lead.page.getByLabel('Why').fill('check');
  await lead.page.getByRole('button', { name: 'Save correction' }).click();
  await expect(lead.page.getByTestId('stop-detail').getByRole('alert')).toContainText('already has that reason');
  await lead.page.waitForTimeout(500);
  expect((await svc.events()).filter((s) => s.event.type === 'correction')).toHaveLength(0);
  // A real change goes through and is listed, naming the stop.
  await lead.page.getByLabel('New reason').selectOption('setup');
  await lead.page.getByRole('button', { name: 'Save correction' }).click();
  const entry = lead.page.locator(`[data-testid="audit"] li[data-kind="correction"]`);
  await expect(entry).toContainText('Jam → Setup', { timeout: 10_000 });
  await expect(entry).toContainText('A1');
  await expect(entry).toContainText('3 min');
  await lead.page.getByTestId('filter-reason').selectOption('');
  await lead.page.screenshot({ path: `${SHOTS}/lead-view-en.png`, fullPage: true });
});

test('offline, the next operator on the same tablet reads the handover the tablet holds and acknowledges it; both reach the service', async ({ browser }) => {
  test.setTimeout(120_000);
  const c = await screens.context(browser, true, true);
  const t = new TabletPage(await c.newPage());
  await t.open(svc.url);
  await t.enrol('lead-a', 'lead-pass', 'a1');
  await t.signIn('1001', '1234');
  await t.waitForServiceWorker();
  await expect(t.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', /online|syncing/, { timeout: 15_000 });

  await svc.down();
  const writer = t.page.getByTestId('handover-writer');
  const open = writer.getByRole('button', { name: 'Write shift handover' });
  if (await open.isVisible()) await open.tap();
  await writer.getByRole('button', { name: 'Quality concerns' }).tap();
  await writer.getByLabel('Details').fill('Check the first 10 parts of the new batch');
  await writer.getByRole('button', { name: 'Save handover' }).tap();
  await t.page.getByRole('button', { name: 'Sign out' }).tap();
  // Carla signs in against the tablet's roster: the service knows nothing of the handover yet.
  await t.signIn('1003', '1234');
  const inbox = t.page.getByTestId('handover-inbox');
  await expect(inbox).toContainText('Check the first 10 parts of the new batch');
  await inbox.getByRole('button', { name: 'Read – acknowledge' }).tap();
  await expect(inbox).toHaveCount(0);

  await svc.up(plantFile);
  await t.waitSynced();
  const events = (await svc.events()).map((s) => s.event);
  const handover = events.find((e) => e.type === 'handover')!;
  expect(handover).toMatchObject({ author: 'op-a', topics: ['quality'] });
  expect(events.find((e) => e.type === 'handover.ack')).toMatchObject({ author: 'op-c', stationId: 'a1', handoverId: handover.id });
});
