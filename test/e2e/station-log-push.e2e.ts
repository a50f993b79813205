import { mkdir } from 'node:fs/promises';
import { test, expect, type Browser, type BrowserContext } from '@playwright/test';
import { Screens } from './support/screens.ts';
import { TestService } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';
import { DashboardPage } from './dashboard-pages.ts';

const SHOTS = 'test-results/station-log';
let svc: TestService;
const screens = new Screens();
const context = (browser: Browser, isTablet = false) => screens.context(browser, isTablet);

test.beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
});
test.beforeEach(async () => {
  svc = await TestService.start();
});
test.afterEach(async () => {
  await screens.closeAll();
  await svc.dispose();
});

/** Olga signed in at a1, online. */
async function signedInTablet(browser: Browser): Promise<{ t: TabletPage; ctx: BrowserContext }> {
  const ctx = await context(browser, true);
  const t = new TabletPage(await ctx.newPage());
  await t.open(svc.url);
  await t.enrol('lead-a', 'lead-pass', 'a1');
  await t.signIn('1001', '1234');
  await expect(t.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', /online|syncing/, { timeout: 15_000 });
  return { t, ctx };
}

async function leadView(browser: Browser): Promise<DashboardPage> {
  const d = new DashboardPage(await (await context(browser, false)).newPage());
  await d.open(svc.url, '#/line/line-a');
  await d.signIn('lead-a', 'lead-pass');
  await d.waitLive();
  return d;
}

async function writeLineHandover(lead: DashboardPage, text: string): Promise<void> {
  const log = lead.page.getByTestId('shift-log');
  await log.getByRole('button', { name: 'Open problems' }).click();
  await log.getByLabel('Details').fill(text);
  await log.getByRole('button', { name: 'Save handover' }).click();
  await expect(log.getByRole('status')).toHaveText('Handover saved.', { timeout: 10_000 });
  // Saved in the lead's outbox first; the service's acknowledgement says it is stored.
  await expect(lead.page.locator('[data-testid="lead-outbox"] li[data-state="confirmed"]').filter({ hasText: text })).toHaveCount(1, { timeout: 10_000 });
}

test("a lead's line handover reaches a signed-in tablet without reload; the operator acknowledges; the lead sees who did", async ({ browser }) => {
  test.setTimeout(120_000);
  const { t } = await signedInTablet(browser);
  const lead = await leadView(browser);
  const inbox = t.page.getByTestId('handover-inbox');
  await expect(inbox).toHaveCount(0);
  let navigations = 0;
  t.page.on('framenavigated', () => navigations++);

  await writeLineHandover(lead, 'Press 2 leaks oil, maintenance booked for 06:00');
  const stored = Date.now();
  // Pushed on the station's retained log topic: no reload, no polling.
  await expect(inbox).toContainText('Press 2 leaks oil', { timeout: 1_000 });
  console.log(`line handover on the tablet ${Date.now() - stored} ms after the lead saw it stored`);
  expect(navigations).toBe(0);
  await expect(inbox).toContainText('Whole line');
  await t.page.screenshot({ path: `${SHOTS}/tablet-pushed-line-handover-en.png`, fullPage: true });

  await inbox.getByRole('button', { name: 'Read – acknowledge' }).tap();
  await expect(inbox).toHaveCount(0);
  const handover = (await svc.events()).find((s) => s.event.type === 'handover')!.event;
  // The lead's view follows the pushed log: who acknowledged, where, without a reload.
  const item = lead.page.locator(`[data-testid="handovers"] li[data-handover="${handover.id}"]`);
  await expect(item.locator('[data-ack-by="op-a"]')).toContainText('Acknowledged by Olga A at A1', { timeout: 10_000 });
  await lead.page.getByTestId('shift-log').screenshot({ path: `${SHOTS}/lead-shift-log-acked-en.png` });
});

test('with the tablet network pulled the last log stays with its age; restored, the handover written meanwhile arrives', async ({ browser }) => {
  test.setTimeout(120_000);
  const { t, ctx } = await signedInTablet(browser);
  const lead = await leadView(browser);
  await t.addNote('coolant topped up');
  await t.waitSynced();

  await ctx.setOffline(true);
  await expect(t.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', 'offline', { timeout: 15_000 });
  await writeLineHandover(lead, 'Bar stock for W-100 runs out at 23:00');
  await expect(t.page.getByTestId('log-age')).toBeVisible({ timeout: 10_000 });
  await expect(t.page.getByTestId('notes')).toContainText('coolant topped up');
  await expect(t.page.getByTestId('handover-inbox')).toHaveCount(0);
  await t.page.screenshot({ path: `${SHOTS}/tablet-offline-log-age-en.png`, fullPage: true });

  await ctx.setOffline(false);
  await t.page.evaluate(() => window.dispatchEvent(new Event('online')));
  const inbox = t.page.getByTestId('handover-inbox');
  await expect(inbox).toContainText('Bar stock for W-100', { timeout: 20_000 });
  await expect(t.page.getByTestId('log-age')).toHaveCount(0);
  await inbox.getByRole('button', { name: 'Read – acknowledge' }).tap();
  await expect(inbox).toHaveCount(0);
  const handover = (await svc.events()).find((s) => s.event.type === 'handover')!.event;
  await expect(lead.page.locator(`[data-testid="handovers"] li[data-handover="${handover.id}"] [data-ack-by="op-a"]`)).toBeVisible({ timeout: 10_000 });
});
