import { test, expect } from '@playwright/test';
import { TestService } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';

// A landscape tablet with a touch screen.
test.use({ viewport: { width: 1280, height: 800 }, hasTouch: true, serviceWorkers: 'allow' });

let svc: TestService;
test.beforeEach(async () => {
  svc = await TestService.start();
});
test.afterEach(async ({ context }) => {
  // Close the tablet first: the service waits for its open MQTT socket otherwise.
  await context.close();
  await svc?.dispose();
});

test('entries made offline survive reload and closing the page, then reach the service exactly once with their author', async ({ context }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.open(svc.url);
  await tablet.enrol('lead-a', 'lead-pass', 'a1');
  await tablet.signIn('1001', '1234');
  await tablet.waitForServiceWorker();
  await expect(tablet.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', /online|syncing/, { timeout: 15_000 });

  // Network gone: the service is down and the browser is offline. (Stopping the service first:
  // with the browser already offline its socket stalls and the service waits out the keepalive.)
  await svc.down();
  await context.setOffline(true);
  await tablet.stopWithReason('Breakdown', 'Jam');
  await tablet.restart();
  await tablet.bookCount(10, 2, 'scrap-dim');
  await tablet.addNote('guard door sticks');
  await expect(tablet.page.getByTestId('sync-indicator')).toHaveAttribute('data-waiting', '5');
  const made = await tablet.outboxIds();
  expect(made).toHaveLength(5);

  // Reload with no network: the shell comes from the service worker, the entries from IndexedDB.
  await tablet.page.reload();
  await expect(tablet.page.getByTestId('station-state')).toBeVisible();
  expect(await tablet.outboxIds()).toEqual(made);
  await tablet.page.close();

  const reopened = new TabletPage(await context.newPage());
  await reopened.open(svc.url);
  await expect(reopened.page.getByTestId('sync-indicator')).toHaveAttribute('data-waiting', '5');

  // Shift hand-over with no network: the next operator signs in against the cached roster.
  await reopened.page.getByRole('button', { name: 'Hand over' }).tap();
  await reopened.page.getByLabel('Badge').fill('1001');
  await reopened.page.getByLabel('PIN').fill('9999');
  await reopened.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(reopened.page.getByRole('alert')).toHaveText('Badge or PIN not recognised.');
  await reopened.signIn('1001', '1234');
  await reopened.addNote('signed in offline');
  made.push(...(await reopened.outboxIds()).filter((id) => !made.includes(id)));
  expect(made).toHaveLength(6);

  // Network back.
  await svc.up();
  await context.setOffline(false);
  await reopened.waitSynced();
  expect(await reopened.outboxIds()).toEqual([]);
  const stored = await svc.events();
  const mine = stored.filter((s) => made.includes(s.event.id));
  expect(mine.map((s) => s.event.id).sort()).toEqual([...made].sort());
  expect(new Set(stored.map((s) => s.event.id)).size).toBe(stored.length);
  for (const s of mine) expect(s.event.author).toBe('op-a');
  expect(mine.map((s) => s.event.type).sort()).toEqual(['count', 'note', 'note', 'stop.classify', 'stop.end', 'stop.start']);
  const seqs = mine.map((s) => s.event.seq).sort((a, b) => a - b);
  // One device, gap-free sequence numbers across reloads and operators.
  expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
});
