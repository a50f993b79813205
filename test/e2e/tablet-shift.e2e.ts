import type { Browser } from '@playwright/test';
import mqtt from 'mqtt';
import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';
import { writeColleaguePlant } from './support/colleague-plant.ts';
import type { TestService } from './support/test-service.ts';
import { formats } from '../../src/core/format.ts';

// A landscape tablet with a touch screen.
test.use({ viewport: { width: 1280, height: 800 }, hasTouch: true, serviceWorkers: 'allow' });

/** A time as the tablet shows it (the browser's Intl, with the test's locale). */
// The tablet writes times through core/format, in the language's own short form.
const hhmm = (ms: number, locale = 'en') => formats(locale).time(ms);

test('offline: the pill and a full-width banner say so at once, waiting entries are counted with their time, and the last sync survives a reload', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  await tablet.bookCount(3, 0);
  await tablet.waitSynced();
  const lastSync = tablet.page.getByTestId('last-sync');
  await expect(lastSync).toHaveText(/^last sync \d{1,2}:\d\d( [AP]M)?$/);
  const synced = await lastSync.textContent();
  const banner = tablet.page.getByTestId('network-banner');
  await expect(banner).toHaveCount(0);

  // The browser goes offline: the pill follows at once (the MQTT socket would take its keepalive).
  await context.setOffline(true);
  await expect(tablet.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', 'offline', { timeout: 2000 });
  await expect(banner).toContainText('Offline');
  svc.cut();
  const before = Date.now();
  await tablet.bookCount(2, 0);
  await tablet.addNote('guard door sticks');
  await expect(banner).toContainText(`2 entries waiting since ${hhmm(before)}: they are safe on this tablet`);
  await tablet.page.screenshot({ path: 'test-results/screenshots/operator-offline-banner-en.png', fullPage: true });
  await tablet.setLanguage('de');
  await expect(banner).toContainText(`2 Einträge warten seit ${hhmm(before, 'de')}: sie sind auf diesem Tablet sicher`);
  await tablet.page.screenshot({ path: 'test-results/screenshots/operator-offline-banner-de.png', fullPage: true });
  await tablet.setLanguage('en');

  // A reload offline: the banner is back at once and the tablet still knows when it last synced.
  await tablet.page.reload();
  await expect(tablet.page.getByTestId('station-state')).toBeVisible();
  await expect(banner).toContainText('2 entries waiting since');
  await expect(lastSync).toHaveText(synced!);

  await context.setOffline(false);
  await tablet.waitSynced();
  await expect(banner).toHaveCount(0);
  await tablet.page.screenshot({ path: 'test-results/screenshots/operator-online-en.png', fullPage: true });
  await tablet.setLanguage('de');
  await tablet.page.screenshot({ path: 'test-results/screenshots/operator-online-de.png', fullPage: true });

  // A toast still showing when the operator switches language speaks the new one at once.
  await tablet.setLanguage('en');
  await tablet.bookCount(1, 0);
  await tablet.setLanguage('de');
  await expect(tablet.page.getByRole('status').filter({ hasText: 'Auf dem Tablet gespeichert' })).toBeVisible();
});

test('Cancel in the reason picker keeps the stop open and says so; a classified stop splits at minutes and seconds, part 2 getting the new reason', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  await page.getByRole('button', { name: 'Stop', exact: true }).tap();
  await page.getByRole('button', { name: 'Cancel' }).tap();
  await expect(page.getByTestId('pick-cancelled')).toHaveText('No reason given: the stop stays open.');
  await expect(page.getByTestId('station-state')).toHaveAttribute('data-state', 'stopped');
  await page.getByRole('button', { name: 'Give reason' }).tap();
  await page.getByRole('button', { name: 'Breakdown', exact: true }).tap();
  await page.getByRole('button', { name: 'Jam', exact: true }).tap();
  await page.waitForTimeout(4500);
  await tablet.restart();

  const stopRow = page.getByTestId('own-entries').locator('li[data-kind="stop"]');
  await expect(stopRow).toContainText('reason: Jam');
  await stopRow.getByRole('button', { name: 'Split' }).tap();
  const sheet = page.getByTestId('split-sheet');
  await sheet.getByLabel('Minutes', { exact: true }).fill('0');
  await sheet.getByLabel('Seconds', { exact: true }).fill('1');
  // With gloves: the big +1 beside the seconds.
  await sheet.getByRole('button', { name: '+1 Seconds' }).tap();
  await expect(sheet.getByTestId('split-part-1')).toContainText('(0:02) keeps its reason: Jam');
  await expect(sheet.getByTestId('split-part-2')).toContainText('gets the reason you choose next');
  // Not full page: that one resizes the page for a moment, and the tap below would land beside its button.
  await sheet.screenshot({ path: 'test-results/screenshots/operator-split-en.png' });
  await sheet.getByRole('button', { name: 'Next: reason of part 2' }).tap();
  await expect(page.getByRole('group', { name: /^Reason of part 2 \(from / })).toBeVisible();
  await page.getByRole('button', { name: 'Setup', exact: true }).tap();
  // The tap records the split, then it is sent: wait until the service has it.
  await expect.poll(async () => (await svc.events()).some((s) => s.event.type === 'stop.split'), { timeout: 15_000 }).toBe(true);

  const events = (await svc.events()).map((s) => s.event);
  const start = events.find((e) => e.type === 'stop.start')!;
  const split = events.find((e) => e.type === 'stop.split');
  expect(split).toMatchObject({ stopId: start.type === 'stop.start' ? start.stopId : '', reasonId: 'setup', at: start.ts + 2000 });

  // "My entries" lists the split beside the stop, and a handover once written; both undoable.
  const own = page.getByTestId('own-entries');
  await expect(own.locator('li[data-kind="split"]')).toContainText(`Split · from ${hhmm(start.ts + 2000)}, part 2: Setup`);
  const writer = page.getByTestId('handover-writer');
  const open = writer.getByRole('button', { name: 'Write shift handover' });
  if (await open.isVisible()) await open.tap();
  await writer.getByRole('button', { name: 'Material' }).tap();
  await writer.getByLabel('Details').fill('coil 7 is short');
  await writer.getByRole('button', { name: 'Save handover' }).tap();
  const handoverRow = own.locator('li[data-kind="handover"]');
  await expect(handoverRow).toContainText('Handover · Material supply · coil 7 is short');
  await handoverRow.getByRole('button', { name: 'Undo' }).tap();
  await page.getByTestId('undo-sheet').getByRole('button', { name: 'Mistake' }).tap();
  await expect(handoverRow).toHaveAttribute('data-voided', 'true');
  await expect(handoverRow).toContainText('undone: Mistake');
  await tablet.setLanguage('de');
  await expect(own.locator('li[data-kind="split"]')).toContainText(`Teilung · ab ${hhmm(start.ts + 2000, 'de')}, Teil 2: Setup`);
  await expect(handoverRow).toContainText('Übergabe · Materialversorgung · coil 7 is short');
  // The service has the handover and its undo.
  const voidedHandover = async () => {
    const events = (await svc.events()).map((s) => s.event);
    const handover = events.find((e) => e.type === 'handover');
    return handover !== undefined && events.some((e) => e.type === 'void' && e.voids === handover.id);
  };
  await expect.poll(voidedHandover, { timeout: 15_000 }).toBe(true);
});

/** A second tablet at a1, in its own browser context (own IndexedDB), for `badge`. */
async function secondTablet(browser: Browser, svc: TestService, badge: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true, serviceWorkers: 'allow' });
  const tablet = new TabletPage(await context.newPage());
  await tablet.open(svc.url);
  await tablet.enrol('lead-a', 'lead-pass', 'a1');
  await tablet.signIn(badge, '1234');
  return { tablet, context };
}

test("two tablets at one station: own entries undone show struck through, −1 corrects a count, notes reach the colleague's tablet, a colleague's void is refused", async ({ context, svc, browser }) => {
  await svc.down();
  await svc.up(await writeColleaguePlant(test.info().outputPath()));
  const olga = new TabletPage(await context.newPage());
  await olga.setUp(svc.url);
  const page = olga.page;
  await olga.bookCount(5, 0);
  await olga.addNote('guard door sticks');
  await olga.addNote('typo nte');
  const entries = page.getByTestId('own-entries');
  await expect(entries.locator('li')).toHaveCount(3);

  // −1: the count of 5 is undone (struck through, with why) and entered again as 4.
  await page.getByRole('button', { name: '−1 from my last count' }).tap();
  const counts = entries.locator('li[data-kind="count"]');
  await expect(counts).toHaveCount(2);
  await expect(counts.nth(1).locator('s')).toContainText('5 good, 0 reject');
  await expect(counts.nth(1)).toContainText('undone: corrected by −1');
  await expect(counts.nth(0)).toContainText('4 good, 0 reject');
  // Undo a note: one tap on why.
  await entries.locator('li[data-kind="note"]', { hasText: 'typo nte' }).getByRole('button', { name: 'Undo' }).tap();
  await page.getByTestId('undo-sheet').getByRole('button', { name: 'Entered twice' }).tap();
  await expect(entries.locator('li[data-kind="note"][data-voided="true"] s')).toContainText('typo nte');
  await expect(page.getByTestId('notes').locator('li[data-voided="true"] s')).toHaveText('typo nte');
  await olga.waitSynced();
  await expect(page.getByRole('heading', { name: /^Counts/ })).toHaveText('Counts at A1 · Good 4 · Reject 0');
  await page.screenshot({ path: 'test-results/screenshots/operator-undo-en.png', fullPage: true });
  const stored = (await svc.events()).map((s) => s.event);
  const voids = stored.filter((e) => e.type === 'void');
  expect(voids.map((v) => [v.author, v.type === 'void' ? v.reason : ''])).toEqual([['op-a', 'corrected-by-minus-one'], ['op-a', 'entered-twice']]);

  // Carla's tablet at the same station: Olga's notes are listed (from the service), none of Olga's entries can be undone there.
  const { tablet: carla, context: carlaContext } = await secondTablet(browser, svc, '1003');
  await expect(carla.page.getByTestId('notes').locator('li')).toHaveCount(2, { timeout: 15_000 });
  await expect(carla.page.getByTestId('notes')).toContainText('guard door sticks');
  await expect(carla.page.getByTestId('notes').locator('li[data-voided="true"] s')).toHaveText('typo nte');
  await expect(carla.page.getByText('No entries of yours this shift.')).toBeVisible();
  await carla.addNote('oil low');
  // Olga's tablet asks again within its poll (60 s) or after its own next note reaches the service.
  await olga.addNote('ok');
  await expect(page.getByTestId('notes')).toContainText('oil low', { timeout: 15_000 });

  // Carla's own credentials, a hand-made void of Olga's count: the service refuses it, and says why.
  const four = stored.find((e) => e.type === 'count' && e.good === 4)!;
  const login = await fetch(`${svc.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'badge', badge: '1003', pin: '1234', deviceId: 'tab-forge', stationId: 'a1' }) });
  const { mqtt: creds } = (await login.json()) as { mqtt: { username: string; password: string } };
  const client = await mqtt.connectAsync(`${svc.url.replace('http', 'ws')}/mqtt`, { username: creds.username, password: creds.password, clientId: 'tab-forge', reconnectPeriod: 0 });
  const ackTopic = 'floorboard/v1/test-site/_ack/tab-forge';
  await client.subscribeAsync(ackTopic, { qos: 1 });
  const ack = new Promise<string>((resolve) => client.on('message', (t, p) => t === ackTopic && resolve(p.toString())));
  const forged = { v: 1, id: '01JZZZZZZZZZZZZZZZZZZZZZZZ', deviceId: 'tab-forge', seq: 0, ts: Date.now(), author: 'op-c', lineId: 'line-a', stationId: 'a1', type: 'void', voids: four.id, reason: 'mistake' };
  await client.publishAsync('floorboard/v1/test-site/assembly/line-a/station/a1/events', JSON.stringify({ events: [forged] }), { qos: 1 });
  expect(JSON.parse(await ack)).toMatchObject({ accepted: [], rejected: [{ id: forged.id, code: 'not-allowed', message: `"op-c" may only undo their own entries: event "${four.id}" is by "op-a" (a lead voids it, on the line's corrections topic)` }] });
  await client.endAsync();
  await expect(page.getByRole('heading', { name: /^Counts/ })).toHaveText('Counts at A1 · Good 4 · Reject 0');
  await carlaContext.close();
});

test('the tablet keeps its language: German stays after sign-out, a reload, and the next sign-in', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  await tablet.setLanguage('de');
  await page.getByRole('button', { name: 'Abmelden' }).tap();
  // The sign-in screen speaks German, before and after a reload.
  await expect(page.getByRole('button', { name: 'Anmelden' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Anmelden' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await page.getByLabel('Ausweis').fill('1001');
  await page.getByLabel('PIN').fill('1234');
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await expect(page.getByTestId('station-state')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole('button', { name: 'Abmelden' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Abmelden' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  // English again is kept the same way.
  await tablet.setLanguage('en');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});
