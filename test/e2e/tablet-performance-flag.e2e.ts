import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';


test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });

test('performance above 100 % is flagged on the tablet as "check ideal cycle time", as the board and CLI flag it', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  await expect(tablet.page.getByTestId('performance-over-limit')).toHaveCount(0);
  // 900 widgets at a 2 s ideal cycle is 30 min of work, booked a moment after monitoring began.
  await tablet.bookCount(900, 0);
  await tablet.waitSynced();
  const flag = tablet.page.getByTestId('performance-over-limit');
  await expect(flag).toBeVisible({ timeout: 15_000 });
  await expect(flag).toContainText('check ideal cycle time');
  await tablet.page.screenshot({ path: 'test-results/e2e/tablet-performance-flag-en.png' });
  await tablet.setLanguage('de');
  await expect(flag).toContainText('Idealzykluszeit prüfen');
});
