import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext } from '@playwright/test';
import { test, expect } from './support/tablet-test.ts';
import { FIXTURE_PLANT, type TestService } from './support/test-service.ts';
import { Gateway } from './support/gateway.ts';
import { TabletPage } from './support/tablet-page.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { keepScreenshot, seriousViolations } from './support/a11y.ts';
import { setLanguage } from './support/language.ts';

// The tablet is the fixture's context (portrait, touch); the board a desktop context of its own.
test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });

/** The test plant round the clock, line-a watched all along, and one andon rule: a stop of line-a longer than 2 s calls maintenance; leads acknowledge. */
async function andonPlant(svc: TestService): Promise<void> {
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as Record<string, unknown> & { calendar: { shifts: { breaks?: unknown }[] }; areas: { lines: Record<string, unknown>[] }[] };
  for (const s of plant.calendar.shifts) delete s.breaks;
  for (const a of plant.areas) for (const l of a.lines) if (l.id === 'line-a') Object.assign(l, { monitoredFrom: '2000-01-01T00:00:00Z', heartbeatTimeoutSec: 3600 });
  plant.andon = {
    rules: [{ id: 'stop-maint', lines: ['line-a'], trigger: { kind: 'stop', afterSec: 2 }, call: 'maintenance', acknowledgedBy: ['lead'], escalation: [{ afterSec: 0, notify: ['maintenance'] }, { afterSec: 3600, notify: ['lead'] }] }],
    webhooks: [],
  };
  const file = join(svc.dataDir, 'andon.plant.json');
  await writeFile(file, JSON.stringify(plant));
  await svc.down();
  await svc.up(file);
}

const raises = async (svc: TestService) => (await svc.events()).filter((s) => s.event.type === 'andon.raise');

test('a long stop calls maintenance: the board shows it within 1 s, the lead acknowledges it there, the tablet shows who, and it resolves when the stop ends', async ({ page, browser, svc }) => {
  // Four browser contexts and a whole call's life: longer than one screen's test.
  test.setTimeout(120_000);
  await andonPlant(svc);
  const tablet = new TabletPage(page);
  await tablet.setUp(svc.url);
  let board: BrowserContext | null = await browser.newContext({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' });
  try {
    const d = new DashboardPage(await board.newPage());
    await d.open(svc.url, '#/board');
    await d.signIn('lead-a', 'lead-pass');
    await d.waitLive();
    await expect(d.tile('line-a')).toHaveAttribute('data-calls', '0');
    await d.watchFor('callSeen', '[data-testid="tile-line-a"] [data-testid="andon-badge"]', 'Maintenance called');

    // The machine stops; 2 s later the service raises the call (with its clock) and the board shows it.
    const gw = await Gateway.connect(svc.url, svc.service!.mqttPort!);
    await gw.state('running', Date.now() - 60_000);
    await gw.state('stopped');
    await expect.poll(async () => (await raises(svc)).length, { timeout: 10_000 }).toBe(1);
    const raise = (await raises(svc))[0]!.event;
    expect(raise).toMatchObject({ kind: 'maintenance', trigger: 'stop', ruleId: 'stop-maint' });
    const seenAt = await d.seenAt('callSeen');
    expect(seenAt - raise.ts, 'board shows the call after its raise').toBeLessThan(1000);
    test.info().annotations.push({ type: 'raise-to-board-ms', description: String(seenAt - raise.ts) });
    console.log(`andon: raised -> on the board in ${seenAt - raise.ts} ms`);
    await expect(d.tile('line-a').getByTestId('andon-badge')).toHaveText(/^▲\s*Maintenance called · \d+ (sec|min)$/);
    const row = d.page.getByTestId(`call-${raise.id}`);
    await expect(row).toContainText('Maintenance');
    await expect(row).toContainText('Line A · A1');
    await expect(row).toContainText('long stop');
    // The tablet shows its station's call before anyone answered, across the top of its screen.
    const stationCall = tablet.page.getByTestId('station-call');
    await expect(tablet.page.getByTestId('station-calls')).toBeInViewport();
    await expect(stationCall).toHaveText(/^Maintenance called \S+( [AP]M)?, not acknowledged yet$/);
    expect(await seriousViolations(d.page)).toEqual([]);
    await keepScreenshot(d.page, test.info(), 'andon-board-called-en');

    // Scope: the site manager sees the call but no Acknowledge (its rule names leads only); the packing manager does not see it.
    for (const [user, sees] of [['mgr', true], ['mgr-pack', false]] as const) {
      const other = await browser.newContext({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' });
      try {
        const o = new DashboardPage(await other.newPage());
        await o.open(svc.url, '#/board');
        await o.signIn(user, 'mgr-pass');
        await o.waitLive();
        if (sees) {
          await expect(o.page.getByTestId(`call-${raise.id}`)).toContainText('Maintenance');
          // Worst first: line-a's fresh stop (under its 2-minute small-stop threshold) leads the board,
          // as its call is open (someone asked for help), not after line-b, which sends no data.
          await expect(o.page.locator('[data-testid^="tile-line-"]').first()).toHaveAttribute('data-testid', 'tile-line-a');
          await expect(o.page.getByTestId(`call-${raise.id}`).getByRole('button')).toHaveCount(0);
        } else {
          await expect(o.tile('line-c')).toBeVisible();
          await expect(o.page.getByTestId('open-calls')).toHaveCount(0);
        }
      } finally {
        await other.close();
      }
    }

    // The lead acknowledges it on the board; the service stores who and from where.
    await row.getByRole('button', { name: /^Acknowledge: Maintenance, Line A · A1$/ }).click();
    await expect(row.getByTestId('call-acked')).toHaveText(/^acknowledged \S+( [AP]M)? by Lea Lead$/);
    await expect(d.tile('line-a').getByTestId('andon-badge')).toHaveText(/^▲\s*Maintenance acknowledged · \d+ (sec|min)$/);
    await expect.poll(async () => (await svc.events()).map((s) => s.event).filter((e) => e.type === 'andon.ack')).toMatchObject([{ author: 'lead-a', from: 'board', callId: raise.id }]);

    // The tablet shows who acknowledged, in English and in German.
    await expect(stationCall).toHaveText(/^Maintenance called \S+( [AP]M)?, acknowledged \S+( [AP]M)? by Lea Lead$/);
    await expect(stationCall).toHaveAttribute('data-acked', 'true');
    await keepScreenshot(tablet.page, test.info(), 'andon-tablet-acked-en');
    await setLanguage(tablet.page, 'de');
    await expect(stationCall).toHaveText(/^Instandhaltung gerufen \d{1,2}:\d{2}, quittiert \d{1,2}:\d{2} von Lea Lead$/);
    expect(await seriousViolations(tablet.page)).toEqual([]);
    await keepScreenshot(tablet.page, test.info(), 'andon-tablet-acked-de');

    // Board and TV in German; the TV chimes on a new call only once its sound is on (off by default).
    await d.page.getByTestId('dashboard-language').selectOption('de');
    await expect(d.tile('line-a').getByTestId('andon-badge')).toHaveText(/^▲\s*Instandhaltung quittiert · \d+ (Sek|Min)\.$/);
    await expect(row.getByTestId('call-acked')).toHaveText(/^quittiert \d{1,2}:\d{2} von Lea Lead$/);
    expect(await seriousViolations(d.page)).toEqual([]);
    await keepScreenshot(d.page, test.info(), 'andon-board-acked-de');
    await d.page.evaluate(() => (location.hash = '#/tv'));
    const sound = d.page.getByTestId('tv-sound');
    await expect(sound).toHaveAttribute('aria-pressed', 'false');
    await expect(sound).toHaveText('Ton bei neuen Rufen: aus');
    await sound.click();
    await expect(sound).toHaveAttribute('aria-pressed', 'true');
    await expect(sound).toHaveText('♪ Ton bei neuen Rufen: an');
    await tablet.page.getByTestId('call-material').tap();
    await expect.poll(async () => (await raises(svc)).length, { timeout: 10_000 }).toBe(2);
    await expect(d.page.getByTestId('open-calls').locator('li')).toHaveCount(2);
    // Oldest first: the stop's call heads the list.
    await expect(d.page.getByTestId('open-calls').locator('li').first()).toHaveAttribute('data-testid', `call-${raise.id}`);
    await expect(sound).toHaveAttribute('data-chimes', '1');
    expect(await seriousViolations(d.page)).toEqual([]);
    await keepScreenshot(d.page, test.info(), 'andon-tv-two-calls-de');

    // The service decides: the admin acknowledges the button call while the lead's tap is on its way; the board shows the service's refusal.
    const buttonCall = (await raises(svc)).map((r) => r.event).find((e) => e.type === 'andon.raise' && e.kind === 'material')!;
    await d.page.evaluate(() => (location.hash = '#/board'));
    const materialRow = d.page.getByTestId(`call-${buttonCall.id}`);
    await d.page.route('**/api/andon/calls/*/ack', async (route) => {
      const login = (await (await fetch(`${svc.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'password', userId: 'admin', password: 'admin-pass', deviceId: 'andon-e2e-admin' }) })).json()) as { token: string };
      const first = await fetch(`${svc.url}/api/andon/calls/${buttonCall.id}/ack`, { method: 'POST', headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ from: 'api' }) });
      expect(first.status).toBe(200);
      await route.continue();
    });
    await materialRow.getByRole('button', { name: /^Quittieren: Material/ }).click();
    await expect(materialRow.getByRole('alert')).toHaveText(/already acknowledged by Ada Admin/);
    await expect(materialRow.getByTestId('call-acked')).toHaveText(/^quittiert \d{1,2}:\d{2} von Ada Admin$/);
    await d.page.unroute('**/api/andon/calls/*/ack');
    // Both acknowledged: the tile names the oldest and counts the other, whole on at most two lines.
    const badge = d.tile('line-a').getByTestId('andon-badge');
    await expect(badge).toHaveText(/^▲\s*Instandhaltung quittiert · \d+ (Sek|Min)\. \+1$/);
    expect(await badge.evaluate((e) => e.scrollHeight <= 2 * parseFloat(getComputedStyle(e).lineHeight) + 1 && e.scrollHeight <= e.clientHeight + 1)).toBe(true);
    expect(await seriousViolations(d.page)).toEqual([]);
    await keepScreenshot(d.page, test.info(), 'andon-board-refused-de');

    // The stop ends: the service resolves its call by itself; the board drops it, the button call stays open.
    await gw.state('running');
    await gw.end();
    await expect(row).toHaveCount(0, { timeout: 5_000 });
    await expect(d.page.getByTestId('open-calls').locator('li')).toHaveCount(1);
    await expect.poll(async () => (await svc.events()).map((s) => s.event).filter((e) => e.type === 'andon.resolve')).toMatchObject([{ callId: raise.id, how: 'auto' }]);

    // The lead's line view: both calls with their times; the button call is resolved by hand with a note.
    await d.page.evaluate(() => (location.hash = '#/line/line-a'));
    const list = d.page.getByTestId('line-calls');
    await expect(list.getByTestId(`line-call-${raise.id}`).getByTestId('line-call-acked')).toHaveText(/^quittiert \d{1,2}:\d{2} von Lea Lead$/);
    await expect(list.getByTestId(`line-call-${raise.id}`).getByTestId('line-call-resolved')).toHaveText(/^erledigt \d{1,2}:\d{2} \(Ursache beendet\)$/);
    const material = list.locator('tr[data-open="true"]');
    await expect(material).toContainText('Material');
    const resolve = material.getByRole('button', { name: 'Erledigt' });
    await expect(resolve).toBeDisabled();
    // The empty note field says why Resolve waits (it had no visible words at all).
    await expect(material.getByRole('textbox')).toHaveAttribute('placeholder', 'Was wurde getan? Nötig für „Erledigt“');
    await material.getByRole('textbox').fill('Coil brought');
    await resolve.click();
    await expect(list.locator('tr[data-open="true"]')).toHaveCount(0);
    await expect(list.getByTestId('line-call-resolved').last()).toHaveText(/^erledigt \d{1,2}:\d{2} von Lea Lead · Coil brought$/);
    expect(await seriousViolations(d.page)).toEqual([]);
    await keepScreenshot(d.page, test.info(), 'andon-line-view-de');
    // Response times by the one core summary: both answered and resolved.
    await expect(list.getByTestId('line-calls-summary')).toHaveText(/^Rufe: 2 · 2 quittiert, im Mittel nach .+ \(längstens .+\) · 2 erledigt, im Mittel nach .+$/);
    // Per reason (the stop's, else who was called) and per level reached.
    const by = list.getByTestId('line-calls-by');
    await expect(by.locator('tr[data-key="kind-maintenance"] td').nth(0)).toHaveText('Instandhaltung');
    await expect(by.locator('tr[data-key="kind-maintenance"] td').nth(1)).toHaveText('1');
    await expect(by.locator('tr[data-key="kind-material"] td').nth(1)).toHaveText('1');
    await expect(by.locator('tr[data-key="level-1"] td').nth(1)).toHaveText('2');
    // Both calls are resolved: the tablet's station list is empty again.
    await expect(tablet.page.getByTestId('station-call')).toHaveCount(0);
  } finally {
    await board?.close();
    board = null;
  }
});
