import { test, expect } from './support/tablet-test.ts';
import { restartWithLineA } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';
import { Gateway } from './support/gateway.ts';

test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });

test('offline (a reload too) the tablet shows the last known station state with its time, and its own entries on top, marked waiting', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const gateway = await Gateway.connect(svc.url, svc.service!.mqttPort!);
  await gateway.counter(0, 'widget', Date.now() - 5000);
  await gateway.counter(12);
  await gateway.end();
  const state = tablet.page.getByTestId('station-state');
  await expect(tablet.page.locator('#count-h')).toContainText('Good 12', { timeout: 10_000 });
  await expect(state).toHaveAttribute('data-state', 'running');
  await expect(tablet.page.getByTestId('state-as-of')).toHaveCount(0);

  // The network goes: the last state stays, with the time the service last told it.
  await svc.down();
  await context.setOffline(true);
  await expect(tablet.page.getByTestId('state-as-of')).toHaveText(/^as of \d{1,2}:\d{2}/, { timeout: 15_000 });
  await expect(state).toHaveAttribute('data-state', 'running');
  // Entries made offline are laid on top and marked as waiting.
  await tablet.bookCount(3, 0);
  await expect(tablet.page.locator('#count-h')).toContainText('Good 15');
  await expect(state).toHaveAttribute('data-waiting', 'true');
  await expect(tablet.page.getByTestId('state-waiting')).toBeVisible();
  await tablet.stopWithReason('Breakdown', 'Jam');
  await expect(state).toHaveAttribute('data-waiting', 'true');
  await tablet.page.screenshot({ path: 'test-results/e2e/tablet-offline-as-of-en.png' });
  // A reload offline still knows the station's last state, and the entries still wait on top.
  await tablet.page.reload();
  await expect(tablet.page.getByTestId('state-as-of')).toHaveText(/^as of \d{1,2}:\d{2}/, { timeout: 15_000 });
  await expect(tablet.page.locator('#count-h')).toContainText('Good 15');
  await expect(state).toHaveAttribute('data-state', 'stopped');
  await expect(state).toHaveAttribute('data-waiting', 'true');

  // Back online: the service's state includes them, nothing waits, no age is shown.
  await context.setOffline(false);
  await svc.up();
  await tablet.page.evaluate(() => window.dispatchEvent(new Event('online')));
  await tablet.waitSynced();
  await expect(state).toHaveAttribute('data-waiting', 'false', { timeout: 15_000 });
  await expect(state).toHaveAttribute('data-state', 'stopped');
  await expect(tablet.page.locator('#count-h')).toContainText('Good 15');
  await expect(tablet.page.getByTestId('state-as-of')).toHaveCount(0);
});

test("a reload offline keeps the line's shift progress: the produced figure and target the service last sent, with their time", async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  // The machine's counts are the service's alone: the tablet's own entries cannot make these figures.
  const gateway = await Gateway.connect(svc.url, svc.service!.mqttPort!);
  await gateway.counter(0, 'widget', Date.now() - 5000);
  await gateway.counter(40);
  await gateway.end();
  await tablet.bookCount(3, 0);
  await tablet.waitSynced();
  const produced = tablet.page.getByTestId('produced');
  await expect(produced).toHaveAttribute('data-good', '43', { timeout: 15_000 });
  await expect(produced).not.toHaveAttribute('data-target', '');

  await svc.down();
  await context.setOffline(true);
  await expect(tablet.page.getByTestId('produced-as-of')).toHaveText(/^as of \d{1,2}:\d{2}/, { timeout: 15_000 });
  const target = await produced.getAttribute('data-target');
  const asOf = await tablet.page.getByTestId('produced-as-of').textContent();
  // The tablet keeps the latest snapshot at most 2 s after it came.
  await tablet.page.waitForTimeout(2500);

  await tablet.page.reload();
  await expect(tablet.page.getByTestId('station-state')).toBeVisible();
  await expect(produced).toHaveAttribute('data-good', '43', { timeout: 15_000 });
  await expect(produced).toHaveAttribute('data-target', target!);
  await expect(tablet.page.getByTestId('produced-as-of')).toHaveText(asOf!);
  await expect(produced).toContainText('43 of');
});

test("offline for longer than its line's heartbeat timeout, the tablet shows its own open stop as Stopped with its age, never 'No data'", async ({ context, svc }) => {
  // Line A's gateway counts as silent after 8 s without a signal (the test plant's is a minute).
  const file = await restartWithLineA(svc, { heartbeatTimeoutSec: 8 });
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const gateway = await Gateway.connect(svc.url, svc.service!.mqttPort!);
  await gateway.state('running', Date.now() - 5000);
  const beat = setInterval(() => void gateway.signal({ type: 'machine.heartbeat' }).catch(() => undefined), 2000);
  const state = tablet.page.getByTestId('station-state');
  try {
    await expect(state).toHaveAttribute('data-state', 'running', { timeout: 10_000 });
    await gateway.signal({ type: 'machine.heartbeat' });
  } finally {
    clearInterval(beat);
  }
  const lastSignal = Date.now();
  await gateway.end();

  // The network goes; the operator stops the station on the tablet.
  await svc.down();
  await context.setOffline(true);
  await tablet.stopWithReason('Breakdown', 'Jam');
  await expect(state).toHaveAttribute('data-state', 'stopped');
  await expect(state).toHaveAttribute('data-waiting', 'true');
  // Well past the timeout: the tablet hears no signal because it is offline, which says nothing of the machine.
  await tablet.page.waitForTimeout(Math.max(0, lastSignal + 8000 + 4000 - Date.now()));
  await expect(state).toHaveAttribute('data-state', 'stopped');
  await expect(tablet.page.getByTestId('state-as-of')).toHaveText(/^as of \d{1,2}:\d{2}/);
  await tablet.page.waitForTimeout(2000);
  await expect(state).toHaveAttribute('data-state', 'stopped');

  // Back online, the service tells what it knows: the machine has been silent, which it shows as no data.
  await context.setOffline(false);
  await svc.up(file);
  await tablet.page.evaluate(() => window.dispatchEvent(new Event('online')));
  await tablet.waitSynced();
  await expect(state).toHaveAttribute('data-state', 'no-data', { timeout: 15_000 });
  await expect(tablet.page.getByTestId('state-as-of')).toHaveCount(0);
});
