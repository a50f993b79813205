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

test('two tablets at one station and a gateway: counts agree on both tablets, the line view, the board, /api/oee and the CLI', async ({ context, browser, svc }) => {
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

  await gateway.end();
  for (const p of [two.page, lead.page, board.page]) await p.context().close();
});
