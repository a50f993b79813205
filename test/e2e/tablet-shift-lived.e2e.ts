import type { Browser, WebSocketRoute } from '@playwright/test';
import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { Gateway } from './support/gateway.ts';
import { writeColleaguePlant } from './support/colleague-plant.ts';
import type { TestService } from './support/test-service.ts';
import { formats } from '../../src/core/format.ts';
import { mqttPackets, publishTopic } from './support/mqtt-frames.ts';

// Issue "A shift as its people live it": what the operators and their lead see over a shift.
// A shift that has run a quarter of an hour: a machine's stop of ten minutes ago is this shift's,
// whatever the time of day (in a shift's first minutes it would be the last shift's, not asked here).
test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow', shiftSoFarMs: 15 * 60_000 });

const en = formats('en');
const de = formats('de');
const dayMs = 24 * 3600_000;

/** Another tablet enrolled at a1 by lead-a, in its own browser context (own IndexedDB), with `badge` signed in. */
async function tabletAtA1(browser: Browser, svc: TestService, badge: string): Promise<TabletPage> {
  const context = await browser.newContext({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });
  const tablet = new TabletPage(await context.newPage());
  await tablet.open(svc.url);
  await tablet.enrol('lead-a', 'lead-pass', 'a1');
  await tablet.signIn(badge, '1234');
  await expect(tablet.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', /online|syncing/, { timeout: 15_000 });
  return tablet;
}

/** The lead's line view of line-a (the shift going on now), in a browser context of its own. */
async function leadView(browser: Browser, svc: TestService): Promise<DashboardPage> {
  const d = new DashboardPage(await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage());
  await d.open(svc.url, '#/line/line-a');
  await d.signIn('lead-a', 'lead-pass');
  await d.waitLive();
  return d;
}

test('the stop panel says what is so: the open stop without a reason asks for it, "no stop needs a reason" only when none does (English, German)', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  const none = page.getByText('No stop needs a reason.', { exact: true });
  const ask = page.getByText('The stop going on now needs its reason: Give reason, above.', { exact: true });
  await expect(none).toBeVisible();
  await expect(ask).toHaveCount(0);

  // Stop, then Cancel in the picker: the stop stays open without a reason, and the panel asks for it.
  await page.getByRole('button', { name: 'Stop', exact: true }).tap();
  await page.getByRole('group', { name: 'Why did it stop?' }).getByRole('button', { name: 'Cancel' }).tap();
  await expect(page.getByTestId('pick-cancelled')).toHaveText('No reason given: the stop stays open.');
  await expect(ask).toBeVisible();
  await expect(none).toHaveCount(0);
  await tablet.setLanguage('de');
  await expect(page.getByText('Der laufende Stopp braucht seinen Grund: Grund angeben, oben.', { exact: true })).toBeVisible();
  await expect(page.getByText('Kein Stopp braucht einen Grund.')).toHaveCount(0);
  await tablet.setLanguage('en');

  // A stop of the machine's that is over and has no reason is listed below the open one's question.
  const gateway = await Gateway.connect(svc.url, svc.service!.mqttPort!);
  await gateway.state('stopped', Date.now() - 10 * 60_000);
  await gateway.state('running', Date.now() - 4 * 60_000);
  await gateway.end();
  const list = page.getByTestId('needs-reason');
  await expect(list.getByRole('listitem')).toHaveCount(1, { timeout: 15_000 });
  await expect(ask).toBeVisible();
  await expect(none).toHaveCount(0);

  // The open stop gets its reason: only the listed one still needs one, and nothing claims otherwise.
  await page.getByRole('button', { name: 'Give reason' }).first().tap();
  await page.getByRole('button', { name: 'Breakdown', exact: true }).tap();
  await page.getByRole('button', { name: 'Jam', exact: true }).tap();
  await expect(page.getByTestId('station-state').getByTestId('stop-reason')).toHaveText('Jam');
  await expect(ask).toHaveCount(0);
  await expect(none).toHaveCount(0);
  await expect(list.getByRole('listitem')).toHaveCount(1);
  // And that one too: now no stop, open or over, needs one.
  await list.getByRole('button', { name: 'Give reason' }).tap();
  await page.getByRole('button', { name: 'Setup', exact: true }).tap();
  await expect(none).toBeVisible();
  await expect(ask).toHaveCount(0);
  await tablet.setLanguage('de');
  await expect(page.getByText('Kein Stopp braucht einen Grund.', { exact: true })).toBeVisible();
});

test('before the station\'s first status has come, the stop panel claims nothing: "no stop needs a reason" only once the service told it (English, German)', async ({ context, svc }) => {
  const page = await context.newPage();
  // Between the tablet and the broker: the station's status (retained, so sent on each subscription)
  // is held back until let go; everything else passes. A new connection (enrolment reloads) starts afresh.
  const held: { route: WebSocketRoute | null; packets: Buffer[] } = { route: null, packets: [] };
  let isHolding = true;
  await page.routeWebSocket(/\/mqtt$/, (ws) => {
    const server = ws.connectToServer();
    const mine: Buffer[] = [];
    Object.assign(held, { route: ws, packets: mine });
    const packets = mqttPackets();
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => {
      for (const p of packets(m)) {
        if (isHolding && publishTopic(p)?.endsWith('/station/a1/status')) mine.push(p);
        else ws.send(p);
      }
    });
  });
  const tablet = new TabletPage(page);
  await tablet.setUp(svc.url);
  // Up and online, its later parts loaded ("My entries"), and still no word of the station's status.
  await expect(page.getByRole('heading', { name: 'My entries this shift' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Needs a reason' })).toBeVisible();
  expect(held.packets.length).toBeGreaterThan(0);
  await expect(page.getByText('No stop needs a reason.', { exact: true })).toHaveCount(0);
  await tablet.setLanguage('de');
  const none = page.getByText('Kein Stopp braucht einen Grund.', { exact: true });
  await expect(none).toHaveCount(0);

  // The status comes: now the tablet knows that no stop of its station waits for a reason.
  isHolding = false;
  for (const p of held.packets) held.route!.send(p);
  await expect(none).toBeVisible();
  await tablet.setLanguage('en');
  await expect(page.getByText('No stop needs a reason.', { exact: true })).toBeVisible();
});

test("the reason picker of a stop of another day gives its day and month: open since yesterday, and once it is over (English, German)", async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  // The machine stopped yesterday (26 hours ago) and has not run since.
  const start = Date.now() - dayMs - 2 * 3600_000;
  const gateway = await Gateway.connect(svc.url, svc.service!.mqttPort!);
  await gateway.state('stopped', start);
  await gateway.signal({ type: 'machine.heartbeat' });
  await expect(page.getByTestId('station-state')).toHaveAttribute('data-state', 'stopped', { timeout: 15_000 });
  const since = (locale: 'en' | 'de') => `${formats(locale).dayMonth(start)}, ${formats(locale).time(start)}`;

  await page.getByRole('button', { name: 'Give reason' }).tap();
  await expect(page.getByRole('group', { name: /^Why did it stop\?/ }).getByRole('heading')).toHaveText(`Why did it stop? Stop since ${since('en')}`);
  await page.screenshot({ path: 'test-results/screenshots/tablet-reason-other-day-open-en.png' });
  await page.getByRole('button', { name: 'Cancel' }).tap();
  await tablet.setLanguage('de');
  await page.getByRole('button', { name: 'Grund angeben' }).tap();
  await expect(page.getByRole('group', { name: /^Warum steht sie\?/ }).getByRole('heading')).toHaveText(`Warum steht sie? Stopp seit ${since('de')}`);
  await page.getByRole('button', { name: 'Abbrechen' }).tap();
  await tablet.setLanguage('en');

  // Over now: the picker of the listed stop gives its start with the day, its end (today) without.
  const end = Date.now();
  await gateway.state('running', end);
  await gateway.end();
  const list = page.getByTestId('needs-reason');
  await expect(list.getByRole('listitem')).toHaveCount(1, { timeout: 15_000 });
  await list.getByRole('button', { name: 'Give reason' }).tap();
  await expect(page.getByRole('group', { name: /^Why did it stop\?/ }).getByRole('heading')).toHaveText(`Why did it stop? Stop ${since('en')}–${en.time(end)} (${en.duration(end - start)})`);
  await page.getByRole('button', { name: 'Cancel' }).tap();
  await tablet.setLanguage('de');
  await list.getByRole('button', { name: 'Grund angeben' }).tap();
  await expect(page.getByRole('group', { name: /^Warum stand sie\?/ }).getByRole('heading')).toHaveText(`Warum stand sie? Stopp ${since('de')}–${de.time(end)} (${de.duration(end - start)})`);
});

test('"My entries": each Split button is named for the stop it splits, as each Undo is for its entry (English, German)', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  await tablet.stopWithReason('Breakdown', 'Jam');
  await tablet.restart();
  await tablet.waitSynced();
  const stopTs = (await svc.events()).find((s) => s.event.type === 'stop.start')!.event.ts;
  const row = page.getByTestId('own-entries').locator('li[data-kind="stop"]');
  // Short on screen, specific to a screen reader or a voice command.
  const split = row.getByRole('button', { name: `Split stop from ${en.time(stopTs)}`, exact: true });
  await expect(split).toHaveText('Split');
  await tablet.setLanguage('de');
  await expect(row.getByRole('button', { name: `Teilen: Stopp ab ${de.time(stopTs)}`, exact: true })).toHaveText('Teilen');
  await tablet.setLanguage('en');
  await split.tap();
  await expect(page.getByTestId('split-sheet')).toBeVisible();
});

test("undo of a note: she writes it, sees it in this shift's notes, takes it back with a reason, sees it taken back; the lead's line view keeps only live notes", async ({ context, svc, browser }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  const lead = await leadView(browser, svc);
  const leadNotes = lead.page.getByTestId('shift-log').getByTestId('notes');

  await tablet.addNote('guard door sticks');
  await tablet.addNote('wrong press');
  const notes = page.getByTestId('notes');
  await expect(notes.locator('li')).toHaveCount(2);
  await expect(notes.locator('li', { hasText: 'wrong press' })).toHaveAttribute('data-voided', 'false');
  await tablet.waitSynced();
  await expect(leadNotes.locator('li', { hasText: 'wrong press' })).toContainText('Olga A', { timeout: 15_000 });
  await expect(leadNotes.locator('li', { hasText: 'guard door sticks' })).toHaveCount(1);

  // Undo in her entries: one tap on why.
  await page.getByTestId('own-entries').locator('li[data-kind="note"]', { hasText: 'wrong press' }).getByRole('button', { name: 'Undo' }).tap();
  await page.getByTestId('undo-sheet').getByRole('button', { name: 'Mistake' }).tap();
  const undone = notes.locator('li', { hasText: 'wrong press' });
  await expect(undone).toHaveAttribute('data-voided', 'true');
  await expect(undone.locator('s')).toHaveText('wrong press');
  await expect(undone.getByTestId('note-taken-back')).toHaveText('taken back');
  // The words "taken back" are not struck through with the note.
  expect(await undone.getByTestId('note-taken-back').evaluate((el) => getComputedStyle(el).display)).toBe('inline-block');
  await expect(notes.locator('li', { hasText: 'guard door sticks' })).toHaveAttribute('data-voided', 'false');
  await tablet.setLanguage('de');
  await expect(undone.getByTestId('note-taken-back')).toHaveText('zurückgenommen');
  await tablet.setLanguage('en');
  await tablet.waitSynced();

  // The service holds her void, with its reason, of that note.
  const stored = (await svc.events()).map((s) => s.event);
  const note = stored.find((e) => e.type === 'note' && e.text === 'wrong press')!;
  expect(stored.filter((e) => e.type === 'void')).toMatchObject([{ author: 'op-a', voids: note.id, reason: 'mistake' }]);
  // The lead's line view (like the shift report) lists the live notes only: the one taken back is gone from it.
  await expect(leadNotes.locator('li', { hasText: 'wrong press' })).toHaveCount(0, { timeout: 15_000 });
  await expect(leadNotes.locator('li')).toHaveCount(1);
  await expect(leadNotes.locator('li', { hasText: 'guard door sticks' })).toContainText('Olga A');
  await lead.page.context().close();
});

test("two tablets at one station: each shows the station's counts with the other's once, and the lead's line view each entry once, by its author", async ({ context, svc, browser }) => {
  await svc.down();
  await svc.up(await writeColleaguePlant(test.info().outputPath()));
  const olga = new TabletPage(await context.newPage());
  await olga.setUp(svc.url);
  const carla = await tabletAtA1(browser, svc, '1003');
  const heading = (t: TabletPage) => t.page.getByRole('heading', { name: /^Counts/ });

  await olga.bookCount(5, 0);
  await olga.waitSynced();
  await expect(heading(carla)).toHaveText('Counts at A1 · Good 5 · Reject 0', { timeout: 15_000 });
  await carla.bookCount(3, 0);
  await carla.addNote('oil low');
  await carla.waitSynced();
  for (const t of [olga, carla]) await expect(heading(t)).toHaveText('Counts at A1 · Good 8 · Reject 0', { timeout: 15_000 });
  // And stays so: the service's later statuses hold each count once, beside nothing waiting.
  await olga.page.waitForTimeout(3000);
  for (const t of [olga, carla]) await expect(heading(t)).toHaveText('Counts at A1 · Good 8 · Reject 0');
  // Carla's note reaches Olga's tablet (the station's log is pushed), once, under Carla's name.
  await expect(olga.page.getByTestId('notes').locator('li')).toHaveCount(1, { timeout: 15_000 });
  await expect(olga.page.getByTestId('notes').locator('li')).toContainText('Carla C');
  await expect(olga.page.getByTestId('notes').locator('li')).toContainText('oil low');
  // Each tablet lists only its own entries to undo.
  await expect(olga.page.getByTestId('own-entries').locator('li')).toHaveCount(1);
  await expect(carla.page.getByTestId('own-entries').locator('li')).toHaveCount(2);
  // After a reload (from the service's status alone) the same.
  await carla.page.reload();
  await expect(heading(carla)).toHaveText('Counts at A1 · Good 8 · Reject 0', { timeout: 15_000 });

  const stored = (await svc.events()).map((s) => s.event);
  expect(stored.filter((e) => e.type === 'count').map((e) => [e.author, e.type === 'count' ? e.good : 0])).toEqual([['op-a', 5], ['op-c', 3]]);
  expect(stored.filter((e) => e.type === 'note').map((e) => e.author)).toEqual(['op-c']);

  const lead = await leadView(browser, svc);
  await expect(lead.page.getByTestId('kpi-produced').locator('.value')).toHaveText(/^8 \//, { timeout: 15_000 });
  const leadNotes = lead.page.getByTestId('shift-log').getByTestId('notes');
  await expect(leadNotes.locator('li')).toHaveCount(1);
  await expect(leadNotes.locator('li')).toContainText('Carla C');
  await expect(leadNotes.locator('li')).toContainText('oil low');
  await lead.page.context().close();
  await carla.page.context().close();
});
