import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';
import { formats } from '../../src/core/format.ts';
import { seriousViolations } from './support/a11y.ts';

test.use({ viewport: { width: 1280, height: 800 }, hasTouch: true, serviceWorkers: 'allow' });

/** MQTT control packet type PUBLISH: the high nibble of the first byte is 3. */
const isPublish = (m: string | Buffer) => typeof m !== 'string' && m.length > 0 && m[0]! >> 4 === 3;

test('online but entries not getting through: after two minutes a full-width banner says since when (en, de); when they go through it leaves and each is stored once', async ({ context, svc }) => {
  test.setTimeout(120_000);
  const page = await context.newPage();
  // The tablet's clock is the test's to move; it runs on by itself meanwhile.
  await page.clock.install();
  // Between the tablet and the broker: the socket stays up (pings pass), but while `isHolding` the
  // tablet's publishes never reach the broker, as behind a proxy that stalls.
  let isHolding = false;
  await page.routeWebSocket(/\/mqtt$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (!(isHolding && isPublish(m))) server.send(m);
    });
    server.onMessage((m) => ws.send(m));
  });
  const tablet = new TabletPage(page);
  await tablet.setUp(svc.url);
  const pill = page.getByTestId('sync-indicator');
  const banner = page.getByTestId('network-banner');

  isHolding = true;
  const bookedAt = await page.evaluate(() => Date.now());
  await tablet.bookCount(4, 0);
  await expect(pill).toHaveAttribute('data-waiting', '1');
  // Online and only just waiting: no banner yet.
  await expect(pill).toHaveAttribute('data-mode', /online|syncing/);
  await expect(banner).toHaveCount(0);

  // Two and a half minutes on the tablet's clock, still online: the banner comes up, not as offline.
  await page.clock.setSystemTime(bookedAt + 150_000);
  await expect(banner).toBeVisible({ timeout: 5000 });
  await expect(banner).toHaveAttribute('data-offline', 'false');
  await expect(banner).toContainText('Entries are not getting through');
  await expect(banner).toContainText(`1 entry waiting since ${formats('en').time(bookedAt)}: it is safe on this tablet`);
  expect((await banner.boundingBox())!.width).toBeGreaterThanOrEqual(1200);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: 'test-results/screenshots/operator-stuck-banner-en.png' });
  await tablet.setLanguage('de');
  await expect(banner).toContainText('Einträge kommen nicht durch');
  await expect(banner).toContainText(`1 Eintrag wartet seit ${formats('de').time(bookedAt)}: er ist auf diesem Tablet sicher`);
  await page.screenshot({ path: 'test-results/screenshots/operator-stuck-banner-de.png' });
  expect(await svc.events()).toEqual([]);

  // The way clears: the sync engine's next try goes through, once, and the banner leaves.
  isHolding = false;
  await page.clock.fastForward(60_000);
  await expect.poll(async () => (await svc.events()).filter((s) => s.event.type === 'count').length, { timeout: 30_000 }).toBe(1);
  await expect(pill).toHaveAttribute('data-waiting', '0', { timeout: 15_000 });
  await expect(banner).toHaveCount(0);
});
