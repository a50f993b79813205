import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';

// A landscape tablet with a touch screen.
test.use({ viewport: { width: 1280, height: 800 }, hasTouch: true, serviceWorkers: 'allow' });

test('entries made offline survive reload and closing the page, then reach the service exactly once with their author', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.open(svc.url);
  await tablet.enrol('lead-a', 'lead-pass', 'a1');
  await tablet.signIn('1001', '1234');
  await tablet.waitForServiceWorker();
  await expect(tablet.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', /online|syncing/, { timeout: 15_000 });
  // One count the service acknowledges (it moves to the tablet's journal), the rest wait in the outbox.
  await tablet.bookCount(3, 1, 'scrap-dim');
  await tablet.waitSynced();

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
  // The shift's counts come back from both: the acknowledged count and the waiting one, each once.
  await expect(tablet.page.getByRole('heading', { name: /^Counts/ })).toHaveText('Counts at A1 · Good 13 · Reject 3');
  await tablet.page.close();

  const reopened = new TabletPage(await context.newPage());
  await reopened.open(svc.url);
  await expect(reopened.page.getByTestId('sync-indicator')).toHaveAttribute('data-waiting', '5');

  // Shift hand-over with no network: the next operator signs in against the cached roster.
  await reopened.page.getByRole('button', { name: 'Sign out' }).tap();
  await reopened.page.getByLabel('Badge').fill('1001');
  await reopened.page.getByLabel('PIN').fill('9999');
  await reopened.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(reopened.page.getByRole('alert')).toHaveText('Badge or PIN not recognised for station A1. Only its operators can sign in here.');
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

test('offline sign-in slows down wrong PINs, then locks the tablet for a while, and a reload does not lift the lock', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  await svc.down();
  await context.setOffline(true);
  await tablet.page.getByRole('button', { name: 'Sign out' }).tap();
  // The page's clock stands still where the test puts it: the waits are minutes long.
  let now = Date.now();
  await tablet.page.clock.setFixedTime(now);
  const attempt = async (pin: string, alert: string | RegExp) => {
    await tablet.page.getByLabel('Badge').fill('1001');
    await tablet.page.getByLabel('PIN').fill(pin);
    await tablet.page.getByRole('button', { name: 'Sign in' }).click();
    await expect(tablet.page.getByRole('alert')).toHaveText(alert);
  };

  for (let i = 0; i < 3; i++) await attempt('9999', 'Badge or PIN not recognised for station A1. Only its operators can sign in here.');
  // Slowed down: the right PIN at once is not even checked.
  await attempt('1234', 'Too many wrong PINs on this tablet. Try again in 5 s.');
  for (const waitS of [5, 10, 20, 40, 80]) {
    await tablet.page.clock.setFixedTime((now += waitS * 1000));
    await attempt('9999', 'Badge or PIN not recognised for station A1. Only its operators can sign in here.');
  }
  // Eight wrong PINs: locked for 15 minutes, even after a reload.
  await attempt('1234', 'Too many wrong PINs on this tablet. Try again in 15 min.');
  await tablet.page.reload();
  await tablet.page.clock.setFixedTime((now += 14 * 60_000));
  await attempt('1234', 'Too many wrong PINs on this tablet. Try again in 60 s.');

  await tablet.page.clock.setFixedTime((now += 60_000));
  await tablet.signIn('1001', '1234');
  await expect(tablet.page.getByRole('note').filter({ hasText: 'Signed in offline' })).toBeVisible();
});
