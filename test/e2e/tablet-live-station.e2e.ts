import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from '@playwright/test';
import { test, expect } from './support/tablet-test.ts';
import { FIXTURE_PLANT } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { Gateway } from './support/gateway.ts';

const run = promisify(execFile);
test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });

async function dashboard(browser: Browser, url: string, hash: string, user: string, password: string): Promise<DashboardPage> {
  const d = new DashboardPage(await (await browser.newContext({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' })).newPage());
  await d.open(url, hash);
  await d.signIn(user, password);
  await d.waitLive();
  return d;
}

/** The produced figure ("good / target") a screen shows, as [good, target]. */
const figures = (text: string) => text.match(/(\d+)\D+(\d+|–)/)!.slice(1, 3);

test('two tablets at one station and a gateway: counts agree on both tablets, the line view, the board, /api/oee and the CLI; a machine stop shows on both tablets and the board within 1 s', async ({ context, browser, svc }) => {
  const [one, two] = [new TabletPage(await context.newPage()), new TabletPage(await (await browser.newContext({ viewport: { width: 800, height: 1280 }, hasTouch: true })).newPage())];
  await one.setUp(svc.url);
  await two.setUp(svc.url);
  const lead = await dashboard(browser, svc.url, '#/line/line-a', 'lead-a', 'lead-pass');
  const board = await dashboard(browser, svc.url, '#/board', 'mgr', 'mgr-pass');
  const gateway = await Gateway.connect(svc.url, svc.service!.mqttPort!);

  // The machine counts 20 parts; the first tablet books 5 good by hand.
  await gateway.counter(0, 'widget', Date.now() - 5000);
  await gateway.counter(20);
  await one.bookCount(5, 0);
  await one.waitSynced();

  const tabletFigures = async (t: TabletPage) => {
    const p = t.page.getByTestId('produced');
    return [await p.getAttribute('data-good'), await p.getAttribute('data-target')];
  };
  await expect.poll(() => tabletFigures(one), { timeout: 10_000 }).toEqual(['25', expect.stringMatching(/^\d+$/)]);
  const [good, target] = await tabletFigures(one);
  await expect.poll(() => tabletFigures(two), { timeout: 5000 }).toEqual([good, target]);
  await expect.poll(async () => figures(await board.tile('line-a').getByTestId('produced').innerText()), { timeout: 5000 }).toEqual([good, target]);
  await expect.poll(async () => figures(await lead.page.getByTestId('kpi-produced').innerText()), { timeout: 10_000 }).toEqual([good, target]);

  // The API and the CLI over the exported events, for the shift so far.
  const events = await svc.events();
  const from = Math.min(...events.map((s) => s.correctedTs)) - 1000;
  const to = Math.max(...events.map((s) => s.correctedTs)) + 1000;
  const token = await lead.token();
  const viaApi = (await (await fetch(`${svc.url}/api/oee?from=${from}&to=${to}&line=line-a`, { headers: { authorization: `Bearer ${token}` } })).json()) as { lines: { total: { good: number } }[] };
  expect(String(viaApi.lines[0]!.total.good)).toBe(good);
  const file = join(svc.dataDir, 'events.ndjson');
  await writeFile(file, events.map((s) => JSON.stringify({ ...s.event, ts: s.correctedTs })).join('\n'));
  const cli = await run('node', ['--import', 'tsx', 'src/cli/main.ts', 'oee', '--plant', FIXTURE_PLANT, '--events', file, '--from', new Date(from).toISOString(), '--to', new Date(to).toISOString(), '--by', 'window', '--line', 'line-a', '--format', 'json'], { timeout: 60_000 });
  expect(String((JSON.parse(cli.stdout) as { lines: { total: { good: number } }[] }).lines[0]!.total.good)).toBe(good);

  // Both tablets show the station's own counts (machine counter and the other tablet's entry) alike.
  await expect(one.page.locator('#count-h')).toContainText('Good 25');
  await expect(two.page.locator('#count-h')).toContainText('Good 25');

  // The machine stops: both tablets and the board show it within 1 s of the service receiving it.
  const watch = async (d: DashboardPage, selector: string, text: string) => d.watchFor('seenStop', selector, text);
  const [w1, w2] = [new DashboardPage(one.page), new DashboardPage(two.page)];
  await watch(w1, '[data-testid="station-state"][data-state="stopped"] [data-testid="machine-stop"]', 'machine');
  await watch(w2, '[data-testid="station-state"][data-state="stopped"] [data-testid="machine-stop"]', 'machine');
  // The board shows a stop shorter than the small-stop threshold as a small stop (never hidden).
  await watch(board, '[data-testid="tile-line-a"]:is([data-state="stopped"], [data-state="small-stop"])', 'Line A');
  const stopId = await gateway.state('fault');
  await expect.poll(async () => (await svc.events()).some((s) => s.event.id === stopId), { timeout: 5000 }).toBe(true);
  const received = (await svc.events()).find((s) => s.event.id === stopId)!.receivedAt;
  const delays = await Promise.all([w1, w2, board].map(async (d) => (await d.seenAt('seenStop')) - received));
  console.log(`machine stop visible after the service received it: tablets ${delays[0]} ms and ${delays[1]} ms, board ${delays[2]} ms`);
  for (const d of delays) expect(d).toBeLessThan(1000);
  await one.page.screenshot({ path: 'test-results/e2e/tablet-machine-stop-en.png' });
  await two.setLanguage('de');
  await expect(two.page.getByTestId('station-state')).toContainText('Gestoppt');
  await expect(two.page.getByTestId('machine-stop')).toHaveText('Von der Maschine gestoppt');
  await two.page.screenshot({ path: 'test-results/e2e/tablet-machine-stop-de.png' });

  await gateway.end();
  for (const p of [two.page, lead.page, board.page]) await p.context().close();
});
