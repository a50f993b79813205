import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';

test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });

test('a call button made offline goes through the outbox and is stored once as the operator\'s button call', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const call = tablet.page.getByTestId('call-material');
  await expect(call).toBeVisible();
  expect((await call.boundingBox())!.height).toBeGreaterThanOrEqual(64);

  await svc.down();
  await context.setOffline(true);
  await tablet.page.getByLabel('Note (optional)').fill('coil 4 empty');
  await call.tap();
  await expect(tablet.page.getByRole('status').filter({ hasText: /^Material called / })).toBeVisible();
  await expect(tablet.page.getByTestId('sync-indicator')).toHaveAttribute('data-waiting', '1');
  await tablet.page.screenshot({ path: 'test-results/tablet-andon-offline.png' });

  await context.setOffline(false);
  await svc.up();
  await tablet.waitSynced();
  const raises = (await svc.events()).map((s) => s.event).filter((e) => e.type === 'andon.raise');
  expect(raises).toMatchObject([{ kind: 'material', trigger: 'button', note: 'coil 4 empty', author: 'op-a', stationId: 'a1' }]);
});
