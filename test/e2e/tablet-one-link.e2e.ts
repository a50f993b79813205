import type { Page } from '@playwright/test';
import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';
import { DashboardPage } from './dashboard-pages.ts';
import type { TestService } from './support/test-service.ts';
import { seriousViolations } from './support/a11y.ts';

// Every tab of the tablet's browser loads the tablet's entry point; only one may run its broker link.
test.use({ viewport: { width: 1280, height: 800 }, hasTouch: true, serviceWorkers: 'allow' });

/** The sync indicator's mode every half second for `ms` (what an operator glancing at it would see). */
async function modesOver(page: Page, ms: number): Promise<string[]> {
  const modes: string[] = [];
  for (let t = 0; t < ms; t += 500) {
    modes.push((await page.getByTestId('sync-indicator').getAttribute('data-mode')) ?? 'none');
    await page.waitForTimeout(500);
  }
  return modes;
}

async function countsStored(svc: TestService): Promise<number> {
  return (await svc.events()).filter((s) => s.event.type === 'count').length;
}

test("a dashboard open in another tab of the tablet's browser does not take the tablet offline", async ({ context, svc }) => {
  test.setTimeout(120_000);
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const lead = new DashboardPage(await context.newPage());
  await lead.open(svc.url, '#/line/line-a');
  await lead.signIn('lead-a', 'lead-pass');
  await lead.waitLive();
  // With both links fighting over the tablet's client id, it flapped offline within two seconds.
  const modes = await modesOver(tablet.page, 15_000);
  expect(modes.filter((m) => m !== 'online'), modes.join(',')).toEqual([]);
  await expect(lead.page.getByTestId('live-status').first()).toHaveAttribute('data-connection', 'online');
  await expect(lead.page.getByTestId('other-tab')).toHaveCount(0);
  await tablet.bookCount(4, 0);
  await tablet.waitSynced();
  expect(await countsStored(svc)).toBe(1);

  // A reload of the tablet's tab takes the link straight back: no notice, no second load.
  let loads = 0;
  tablet.page.on('load', () => loads++);
  await tablet.page.reload();
  await expect(tablet.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', 'online', { timeout: 15_000 });
  await tablet.page.waitForTimeout(3000);
  expect(loads).toBe(1);
  await expect(tablet.page.getByTestId('other-tab')).toHaveCount(0);
});

test("a second operator tab says the tablet is open in another tab; 'Use this tab' moves the link there, in German too", async ({ context, svc }) => {
  test.setTimeout(120_000);
  const first = new TabletPage(await context.newPage());
  await first.setUp(svc.url);
  await first.setLanguage('de');
  const second = new TabletPage(await context.newPage());
  await second.open(svc.url);
  const notice = second.page.getByTestId('other-tab');
  await expect(notice.getByRole('heading')).toHaveText('Floorboard ist in einem anderen Tab offen', { timeout: 15_000 });
  await second.page.screenshot({ path: 'test-results/screenshots/tablet-other-tab-de.png' });
  expect(await seriousViolations(second.page)).toEqual([]);
  // Only the notice can be reached: the operator screen under it is inert.
  await expect(notice.getByRole('button')).toBeFocused();
  await expect(second.page.locator('#app')).toHaveAttribute('inert', '');
  // The first tab keeps its link, undisturbed.
  const modes = await modesOver(first.page, 5_000);
  expect(modes.filter((m) => m !== 'online'), modes.join(',')).toEqual([]);

  await Promise.all([second.page.waitForEvent('load'), notice.getByRole('button', { name: 'Diesen Tab nutzen' }).tap()]);
  await expect(second.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', 'online', { timeout: 15_000 });
  await expect(second.page.getByTestId('other-tab')).toHaveCount(0);
  await expect(first.page.getByTestId('other-tab')).toBeVisible();
  await first.page.screenshot({ path: 'test-results/screenshots/tablet-other-tab-taken-de.png' });
  await second.setLanguage('en');
  await second.bookCount(3, 0);
  await second.waitSynced();
  expect(await countsStored(svc)).toBe(1);

  // The tab that holds the link goes: the other takes it over by itself.
  await second.page.close();
  await expect(first.page.getByTestId('other-tab')).toHaveCount(0, { timeout: 15_000 });
  await expect(first.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', 'online', { timeout: 15_000 });
});

test('an entry made in a second operator tab before its notice covers it is sent by the tab with the link, once', async ({ context, svc }) => {
  test.setTimeout(120_000);
  const first = new TabletPage(await context.newPage());
  await first.setUp(svc.url);
  const page = await context.newPage();
  // A busy tablet: the idle callback (the work after the first screen, and with it the notice) comes late.
  await page.addInitScript(() => {
    (window as unknown as { requestIdleCallback: unknown }).requestIdleCallback = (fn: () => void) => setTimeout(fn, 4000);
  });
  const second = new TabletPage(page);
  await second.open(svc.url);
  await expect(second.page.getByTestId('station-state')).toBeVisible({ timeout: 15_000 });
  await second.bookCount(5, 0);
  await expect(second.page.getByTestId('other-tab')).toBeVisible({ timeout: 15_000 });
  // In the shared outbox, told to the tab with the link, which reads it again and sends it.
  await expect.poll(() => countsStored(svc), { timeout: 15_000 }).toBe(1);
  await first.bookCount(2, 0);
  await first.waitSynced();
  expect(await countsStored(svc)).toBe(2);
});
