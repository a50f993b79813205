import { test, expect } from './support/tablet-test.ts';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from '@playwright/test';
import mqtt from 'mqtt';
import { ulid } from 'ulid';
import { topics } from '../../src/core/topics.ts';
import { formats } from '../../src/core/format.ts';
import { timeOn } from '../../src/core/format-time-on.ts';
import { FIXTURE_PLANT, restartWithLineA, type TestService } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';
import { Gateway } from './support/gateway.ts';

// A shift that has run a quarter of an hour: the machine's stops of ten minutes ago are this shift's,
// whatever the time of day (in a shift's first minutes they would be the last shift's, not asked here).
test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow', shiftSoFarMs: 15 * 60_000 });

/** The machine gateway reports the states of a station (a1 unless said), each `agoMs` ago; returns the event ids. */
async function machineReports(svc: TestService, states: readonly { state: 'stopped' | 'running' | 'heartbeat'; agoMs: number }[], station = 'a1'): Promise<string[]> {
  const res = await fetch(`${svc.url}/api/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'password', userId: 'gw-a', password: 'gw-pass', deviceId: 'gw-dev' }),
  });
  const { token } = (await res.json()) as { token: string };
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${svc.service!.mqttPort}`, { username: 'gw-a', password: token, clientId: 'gw-dev', reconnectPeriod: 0 });
  const events = states.map(({ state, agoMs }, seq) => ({
    v: 1, id: ulid(), deviceId: 'gw-dev', seq, ts: Date.now() - agoMs, author: 'gw-a', lineId: 'line-a', stationId: station, ...(state === 'heartbeat' ? { type: 'machine.heartbeat' } : { type: 'machine.state', state }),
  }));
  await client.publishAsync(topics.signals({ site: 'test-site', area: 'assembly', line: 'line-a', station }), JSON.stringify({ events }), { qos: 1 });
  await client.endAsync();
  return events.map((e) => e.id);
}

/** The machine gateway of station a1 reports a stop that began `agoMs` ago (and that it is alive now). */
async function machineStops(svc: TestService, agoMs: number): Promise<string> {
  const [id] = await machineReports(svc, [{ state: 'stopped', agoMs }, { state: 'heartbeat', agoMs: 0 }]);
  return id!;
}

/**
 * Once the service stored `machineStates` machine.state events, opens the tablet and expects its
 * "needs a reason" list to hold one stop of 6 minutes (a1 stopped 10 minutes ago, ran again 4 ago).
 */
async function openWithOneStopListed(context: BrowserContext, svc: TestService, machineStates: number) {
  await expect.poll(async () => (await svc.events()).filter((s) => s.event.type === 'machine.state').length, { timeout: 10_000 }).toBe(machineStates);
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const list = tablet.page.getByTestId('needs-reason');
  await expect(list.getByRole('listitem')).toHaveCount(1, { timeout: 15_000 });
  await expect(list.getByRole('listitem')).toContainText('6 min');
  return { tablet, list };
}

test('a stop the machine detected shows as the station stopped by the machine and is classified in one tap (portrait)', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const machineStopEvent = await machineStops(svc, 5 * 60_000);

  const state = tablet.page.getByTestId('station-state');
  await expect(state).toHaveAttribute('data-state', 'stopped', { timeout: 15_000 });
  await expect(state.getByTestId('machine-stop')).toBeVisible();
  // The machine ends its own stop: the operator only gives the reason.
  await expect(tablet.page.getByRole('button', { name: 'Restart' })).toHaveCount(0);
  await tablet.page.getByRole('button', { name: 'Give reason' }).tap();
  await tablet.page.getByRole('button', { name: 'Setup', exact: true }).tap();
  await expect(tablet.page.getByRole('button', { name: 'Give reason' })).toHaveCount(0);
  await tablet.waitSynced();

  const classify = (await svc.events()).map((s) => s.event).filter((e) => e.type === 'stop.classify');
  expect(classify).toHaveLength(1);
  // The machine's stop is the one classified: its id is the machine event's id.
  expect(classify[0]).toMatchObject({ author: 'op-a', reasonId: 'setup', stopId: machineStopEvent });
});

test('a machine stop that already ended without a reason is listed, split and classified (portrait)', async ({ context, svc }) => {
  // Stopped 10 minutes ago, running again 4 minutes ago: the live status no longer awaits a reason.
  const [stopEvent] = await machineReports(svc, [{ state: 'stopped', agoMs: 10 * 60_000 }, { state: 'running', agoMs: 4 * 60_000 }]);
  const { tablet, list } = await openWithOneStopListed(context, svc, 2);
  // Split after 2 minutes: the later 4 minutes were a setup; the earlier part still needs a reason.
  await list.getByRole('button', { name: 'Split' }).tap();
  await tablet.page.getByLabel('Minutes', { exact: true }).fill('2');
  await tablet.page.getByLabel('Seconds', { exact: true }).fill('0');
  await tablet.page.getByRole('button', { name: 'Next: reason of part 2' }).tap();
  await tablet.page.getByRole('button', { name: 'Setup', exact: true }).tap();
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('listitem')).toContainText('2 min');
  // Classified here: gone from the list at once, before the service acknowledges it.
  await list.getByRole('button', { name: 'Give reason' }).tap();
  await tablet.page.getByRole('button', { name: 'Setup', exact: true }).tap();
  await expect(list).toHaveCount(0);
  await tablet.waitSynced();
  // The refetch after the ack agrees: nothing of that stop waits for a reason any more.
  await expect(list).toHaveCount(0);

  const stored = (await svc.events()).map((s) => s.event);
  expect(stored.filter((e) => e.type === 'stop.split')).toMatchObject([{ author: 'op-a', stopId: stopEvent, reasonId: 'setup' }]);
  expect(stored.filter((e) => e.type === 'stop.classify')).toMatchObject([{ author: 'op-a', stopId: stopEvent, reasonId: 'setup' }]);
});

test('split sheet (UX walk): after a time past the end was moved inside the stop, the seconds typed survive lowering the minutes (0:59, not 0:09)', async ({ context, svc }) => {
  // A stop of 1:10 that is over: splits from 0:01 to 1:09.
  await machineReports(svc, [{ state: 'stopped', agoMs: 70_000 }, { state: 'running', agoMs: 0 }]);
  await expect.poll(async () => (await svc.events()).filter((s) => s.event.type === 'machine.state').length, { timeout: 10_000 }).toBe(2);
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const list = tablet.page.getByTestId('needs-reason');
  await expect(list.getByRole('listitem')).toHaveCount(1, { timeout: 15_000 });
  await list.getByRole('button', { name: 'Split' }).tap();
  const sheet = tablet.page.getByTestId('split-sheet');
  const minutes = sheet.getByLabel('Minutes', { exact: true });
  const seconds = sheet.getByLabel('Seconds', { exact: true });
  const clamped = sheet.getByTestId('split-clamped');

  const next = sheet.getByRole('button', { name: 'Next: reason of part 2' });
  await minutes.fill('2');
  await expect(clamped).toHaveText('A split must fall inside the stop (0:01 to 1:09). Change the time, or use 1:09.');
  // A time outside the stop is never used unseen: Next waits for a time inside it.
  await expect(next).toBeDisabled();
  await seconds.fill('59');
  await expect(clamped).toHaveText('A split must fall inside the stop (0:01 to 1:09). Change the time, or use 1:09.');
  await expect(sheet.getByRole('button', { name: 'Use 1:09' })).toBeVisible();
  // What was typed stays in the fields; the picture shows where the split falls.
  await expect(seconds).toHaveValue('59');
  await expect(sheet.getByTestId('split-part-1')).toContainText('(1:09) keeps its reason');
  await tablet.page.screenshot({ path: 'test-results/screenshots/tablet-split-clamped-seconds-en.png' });
  // Lowering the minutes, on the big buttons as a gloved hand does, down to 0.
  while ((await minutes.inputValue()) !== '0') await sheet.getByRole('button', { name: '−1 Minutes' }).tap();
  await expect(seconds).toHaveValue('59');
  await expect(clamped).toHaveCount(0);
  await expect(sheet.getByTestId('split-part-1')).toContainText('(0:59) keeps its reason');
  await expect(sheet.getByTestId('split-part-2')).toContainText('(0:11) gets the reason you choose next');
  await expect(next).toBeEnabled();
});

test('the reason picker of a stop that is over says which stop it is: its start, end and length, in the tablet language', async ({ context, svc }) => {
  await machineReports(svc, [{ state: 'stopped', agoMs: 10 * 60_000 }, { state: 'running', agoMs: 4 * 60_000 }]);
  const { tablet, list } = await openWithOneStopListed(context, svc, 2);
  const page = tablet.page;
  const [start, end] = (await svc.events()).flatMap((s) => (s.event.type === 'machine.state' ? [s.event.ts] : []));
  // The tablet writes times through core/format, in the language's own short form (browser and test share the zone),
  // with day and month when of another day (run just after midnight, the stop began yesterday).
  const span = (locale: string, fm = formats(locale)) => `${timeOn(fm, start!, Date.now())}–${timeOn(fm, end!, Date.now())} (${fm.duration(end! - start!)})`;
  await list.getByRole('button', { name: 'Give reason' }).tap();
  const picker = page.getByRole('group', { name: /^Why did it stop\?/ });
  await expect(picker.getByRole('heading')).toHaveText(`Why did it stop? Stop ${span('en')}`);
  expect(span('en')).toContain('(6 min)');
  await page.screenshot({ path: 'test-results/screenshots/tablet-reason-past-stop-en.png' });
  await picker.getByRole('button', { name: 'Cancel' }).tap();

  await tablet.setLanguage('de');
  await list.getByRole('button', { name: 'Grund angeben' }).tap();
  await expect(page.getByRole('group', { name: /^Warum stand sie\?/ }).getByRole('heading')).toHaveText(`Warum stand sie? Stopp ${span('de')}`);
  await page.getByRole('button', { name: 'Abbrechen' }).tap();
  await tablet.setLanguage('en');

  // The stop going on now keeps the present-tense question.
  await page.getByRole('button', { name: 'Stop', exact: true }).tap();
  await expect(page.getByRole('group', { name: 'Why did it stop?', exact: true }).getByRole('heading')).toHaveText('Why did it stop?');
});

test("the list holds the tablet's own station's machine stops, not those of the line's other stations", async ({ context, svc }) => {
  // The line's gateway reports both of its stations here (a1 and a2).
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { users: { id: string; stations?: string[] }[] };
  plant.users.find((u) => u.id === 'gw-a')!.stations = ['a1', 'a2'];
  const plantFile = join(await mkdtemp(join(tmpdir(), 'floorboard-plant-')), 'plant.json');
  await writeFile(plantFile, JSON.stringify(plant));
  await svc.down();
  await svc.up(plantFile);

  // a1 stopped for 6 minutes and runs again; a2 stopped 3 minutes ago and is still down, so the
  // line's live status is a2's stop awaiting a reason.
  await machineReports(svc, [{ state: 'stopped', agoMs: 10 * 60_000 }, { state: 'running', agoMs: 4 * 60_000 }]);
  await machineReports(svc, [{ state: 'stopped', agoMs: 3 * 60_000 }], 'a2');
  const { tablet, list } = await openWithOneStopListed(context, svc, 3);
  // Classified here, nothing of a1 is left: a2's open stop is for the a2 tablet to explain.
  await list.getByRole('button', { name: 'Give reason' }).tap();
  await tablet.page.getByRole('button', { name: 'Setup', exact: true }).tap();
  await tablet.waitSynced();
  await expect(tablet.page.getByText('No stop needs a reason.')).toBeVisible();
});

test('a machine stop that already has its reason is split from the tablet: the later part gets another reason, offline too, and the service stores it once', async ({ context, svc }) => {
  const [stopEvent] = await machineReports(svc, [{ state: 'stopped', agoMs: 10 * 60_000 }, { state: 'running', agoMs: 4 * 60_000 }]);
  const { tablet, list } = await openWithOneStopListed(context, svc, 2);
  const page = tablet.page;
  // First classified as a breakdown (a jam) in one tap...
  await list.getByRole('button', { name: 'Give reason' }).tap();
  await page.getByRole('button', { name: 'Breakdown', exact: true }).tap();
  await page.getByRole('button', { name: 'Jam', exact: true }).tap();
  const classified = page.getByTestId('machine-classified');
  await expect(classified.getByRole('listitem')).toHaveCount(1);
  await expect(classified.getByRole('listitem')).toContainText('6 min · Jam');
  await tablet.waitSynced();

  // ...then the operator remembers the last 4 minutes were a setup: split, with the network gone.
  await context.setOffline(true);
  await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', 'offline', { timeout: 5000 });
  await classified.getByRole('button', { name: 'Split' }).tap();
  await page.getByLabel('Minutes', { exact: true }).fill('2');
  await page.getByLabel('Seconds', { exact: true }).fill('0');
  await page.screenshot({ path: 'test-results/screenshots/tablet-split-classified-machine-stop-en.png' });
  await page.getByRole('button', { name: 'Next: reason of part 2' }).tap();
  await page.getByRole('button', { name: 'Setup', exact: true }).tap();
  // Shown at once from the tablet's own entry: the jam's 2 minutes and the setup's 4.
  await expect(classified.getByRole('listitem')).toHaveCount(2);
  await expect(classified.getByRole('listitem').nth(0)).toContainText('4 min · Setup');
  await expect(classified.getByRole('listitem').nth(1)).toContainText('2 min · Jam');
  expect(await svc.events().then((all) => all.filter((s) => s.event.type === 'stop.split'))).toEqual([]);

  await context.setOffline(false);
  await expect.poll(async () => (await svc.events()).filter((s) => s.event.type === 'stop.split').length, { timeout: 30_000 }).toBe(1);
  const split = (await svc.events()).map((s) => s.event).find((e) => e.type === 'stop.split');
  expect(split).toMatchObject({ author: 'op-a', stopId: stopEvent, reasonId: 'setup' });
  await tablet.waitSynced();
  // The service's status agrees with what the tablet showed.
  await expect(classified.getByRole('listitem')).toHaveCount(2);
  await expect(classified.getByRole('listitem').nth(0)).toContainText('4 min · Setup');
  // Each part's Split is named for its stop (two stops, two buttons a screen reader tells apart); on screen just "Split".
  // Newest first: part 2 (from the split) above part 1 (from the stop's start).
  const starts = [(split as { at: number }).at, (await svc.events()).find((s) => s.event.id === stopEvent)!.event.ts];
  for (const [i, time] of starts.map((ts) => timeOn(formats('en'), ts, Date.now())).entries()) await expect(classified.getByRole('listitem').nth(i).getByRole('button', { name: `Split stop from ${time}`, exact: true })).toHaveText('Split');
  await tablet.setLanguage('de');
  await expect(page.getByRole('heading', { name: 'Maschinenstopps mit Grund' })).toBeVisible();
  for (const [i, time] of starts.map((ts) => timeOn(formats('de'), ts, Date.now())).entries()) await expect(classified.getByRole('listitem').nth(i).getByRole('button', { name: `Teilen: Stopp ab ${time}`, exact: true })).toHaveText('Teilen');
  await page.screenshot({ path: 'test-results/screenshots/tablet-split-classified-machine-stop-de.png' });
});

test('a stop left open while the machine makes parts: the tablet asks whether it is over, in its language, and the operator ends it', async ({ context, svc }) => {
  // A short small-stop threshold (5 s), so that parts for that long are a run of production in the test's time.
  await restartWithLineA(svc, { smallStopThresholdSec: 5 });
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const gateway = await Gateway.connect(svc.url, svc.service!.mqttPort!);
  await gateway.counter(0, 'widget', Date.now() - 1000);
  await tablet.stopWithReason('Breakdown', 'Jam');
  const state = tablet.page.getByTestId('station-state');
  await expect(state).toHaveAttribute('data-state', 'stopped');
  await tablet.waitSynced();
  const asked = tablet.page.getByTestId('machine-producing');
  // The machine's last parts right after the tap ask nothing.
  await gateway.counter(3);
  await tablet.page.waitForTimeout(2000);
  await expect(asked).toHaveCount(0);
  // Then it produces, a reading a second, for longer than the threshold.
  for (let total = 4; total <= 12; total++) {
    await gateway.counter(total);
    await tablet.page.waitForTimeout(1000);
  }
  await expect(asked).toContainText('The machine has made parts since', { timeout: 10_000 });
  await expect(state).toHaveAttribute('data-state', 'stopped');
  await tablet.page.screenshot({ path: 'test-results/e2e/tablet-machine-producing-en.png' });
  await tablet.setLanguage('de');
  await gateway.counter(13);
  await expect(asked).toContainText('Die Maschine fertigt seit');
  await tablet.page.screenshot({ path: 'test-results/e2e/tablet-machine-producing-de.png' });
  await gateway.end();
  // The operator ends it: the question goes with the stop.
  await tablet.page.getByRole('button', { name: 'Wieder an' }).tap();
  await expect(state).toHaveAttribute('data-state', 'running', { timeout: 10_000 });
  await expect(asked).toHaveCount(0);
});

test('UX walk: a stop that began on another day shows its day and month beside its time, on the state card, in the list and on the split sheet', async ({ context, svc }) => {
  const dayMs = 24 * 3600_000;
  const [stopEvent] = await machineReports(svc, [{ state: 'stopped', agoMs: dayMs + 2 * 3600_000 }, { state: 'heartbeat', agoMs: 0 }]);
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const start = (await svc.events()).find((s) => s.event.id === stopEvent)!.event.ts;
  const en = formats('en');
  const state = tablet.page.getByTestId('station-state');
  await expect(state).toHaveAttribute('data-state', 'stopped', { timeout: 15_000 });
  // "since 12/05, 12:00 PM 26:00:04", never "since 12:00 PM" as if today.
  await expect(state.locator('.timer span')).toHaveText(`since ${en.dayMonth(start)}, ${en.time(start)}`);
  await expect(state.getByLabel('elapsed')).toHaveText(/^2[56]:\d\d:\d\d$/);

  // Over now: listed with its day, and split on a sheet that says the day too.
  await machineReports(svc, [{ state: 'running', agoMs: 0 }]);
  const list = tablet.page.getByTestId('needs-reason');
  await expect(list.getByRole('listitem')).toHaveCount(1, { timeout: 15_000 });
  await expect(list.getByRole('listitem')).toContainText(`${en.dayMonth(start)}, ${en.time(start)} ·`);
  // Its Split is named for it, with the day too.
  await list.getByRole('button', { name: `Split stop from ${en.dayMonth(start)}, ${en.time(start)}`, exact: true }).tap();
  // Its time with seconds in the language's own form, as the rest of the tablet's times ("9:05:30 AM", not "09:05:30 AM").
  await expect(tablet.page.getByTestId('split-sheet').getByRole('heading')).toContainText(`· ${en.dayMonth(start)}, ${new Intl.DateTimeFormat('en', { timeStyle: 'medium' }).format(start)}–`);
  await tablet.page.screenshot({ path: 'test-results/screenshots/tablet-split-other-day-en.png' });
  await tablet.setLanguage('de');
  await expect(tablet.page.getByTestId('split-sheet').getByRole('heading')).toContainText(`· ${formats('de').dayMonth(start)}, `);
});

test("UX walk: the reason she gave to a machine's stop is in her entries, with the stop's time, and her undo takes it back", async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  const stopEvent = await machineStops(svc, 5 * 60_000);
  const state = page.getByTestId('station-state');
  await expect(state).toHaveAttribute('data-state', 'stopped', { timeout: 15_000 });
  await page.getByRole('button', { name: 'Give reason' }).tap();
  await page.getByRole('button', { name: 'Breakdown', exact: true }).tap();
  await page.getByRole('button', { name: 'Jam', exact: true }).tap();
  await expect(state.getByTestId('stop-reason')).toHaveText('Jam');

  const start = (await svc.events()).find((s) => s.event.id === stopEvent)!.event.ts;
  const row = page.getByTestId('own-entries').locator('li[data-kind="reason"]');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`Reason · stop from ${timeOn(formats('en'), start, Date.now())}: Jam`);
  await tablet.waitSynced();
  await row.getByRole('button', { name: 'Undo' }).tap();
  await page.getByTestId('undo-sheet').getByRole('button', { name: 'Mistake' }).tap();
  await expect(row).toHaveAttribute('data-voided', 'true');
  // Taken back: the stop needs its reason again, here and at the service.
  await expect(state.getByTestId('stop-reason')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Give reason' })).toBeVisible();
  await tablet.waitSynced();
  const classify = (await svc.events()).map((s) => s.event).find((e) => e.type === 'stop.classify')!;
  expect((await svc.events()).map((s) => s.event).filter((e) => e.type === 'void')).toMatchObject([{ author: 'op-a', voids: classify.id, reason: 'mistake' }]);
  await expect(page.getByRole('button', { name: 'Give reason' })).toBeVisible();
  await expect(state.getByTestId('stop-reason')).toHaveCount(0);
});
