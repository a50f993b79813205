import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';
import { DashboardPage } from './dashboard-pages.ts';

test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });

test('a changeover changes the product, a breakdown can nest in it, and the lead sees its time as setup', async ({ context, browser, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const state = tablet.page.getByTestId('station-state');
  await expect(state).toContainText('Widget');

  await tablet.page.getByRole('group', { name: 'Next product' }).getByRole('button', { name: 'Gadget' }).tap();
  await tablet.page.getByRole('button', { name: 'Start changeover' }).tap();
  await expect(state).toHaveAttribute('data-state', 'changeover');
  // The tablet forgets nothing of the changeover over a reload: its target is in the entries.
  await tablet.page.reload();
  await expect(state).toHaveAttribute('data-state', 'changeover');
  // A breakdown during the changeover: Stop is offered, and the changeover resumes after it.
  await tablet.stopWithReason('Breakdown', 'Jam');
  await expect(tablet.page.getByRole('button', { name: 'Changeover done' })).toBeDisabled();
  await tablet.page.getByRole('button', { name: 'Restart' }).tap();
  await expect(state).toHaveAttribute('data-state', 'changeover');

  await tablet.page.getByRole('button', { name: 'Changeover done' }).tap();
  await expect(state).toHaveAttribute('data-state', 'running');
  await expect(state).toContainText('Gadget');
  await tablet.waitSynced();
  const stored = (await svc.events()).map((s) => s.event);
  expect(stored.filter((e) => e.type === 'changeover.end')).toMatchObject([{ productId: 'gadget', author: 'op-a' }]);

  // The lead's view books the changeover as setup (changeover), not as an unexplained small stop.
  const lead = new DashboardPage(await (await browser.newContext({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' })).newPage());
  await lead.open(svc.url, '#/line/line-a');
  await lead.signIn('lead-a', 'lead-pass');
  const changeover = stored.find((e) => e.type === 'changeover.start')!;
  const row = lead.page.locator(`[data-testid="stops"] tr[data-stop="${changeover.id}"]`);
  await expect(row.locator('[data-state="changeover"]')).toBeVisible({ timeout: 10_000 });
  await expect(row).not.toContainText('needs a reason');
  await lead.screenshot('line-view-changeover');
  await lead.page.context().close();
});
