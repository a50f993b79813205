import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext } from '@playwright/test';
import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';
import { FIXTURE_PLANT, type TestService } from './support/test-service.ts';
import { DashboardPage } from './dashboard-pages.ts';

// The lead's screen: the shell comes from the service worker, so the page reloads with no network.
test.use({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'allow' });

/** A stop with the reason Jam, from the operator's tablet (its own context: only the lead goes offline); returns the stop's id and its reason event's. */
async function jamStop(browser: Browser, svc: TestService): Promise<{ stopId: string; reasonEventId: string }> {
  const tabletContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true, serviceWorkers: 'block' });
  try {
    const tablet = new TabletPage(await tabletContext.newPage());
    await tablet.open(svc.url);
    await tablet.enrol('lead-a', 'lead-pass', 'a1');
    await tablet.signIn('1001', '1234');
    await tablet.stopWithReason('Breakdown', 'Jam');
    await tablet.restart();
    await tablet.waitSynced();
  } finally {
    await tabletContext.close();
  }
  const jam = (await svc.events()).find((s) => s.event.type === 'stop.classify' && s.event.reasonId === 'jam')!.event;
  return { stopId: jam.type === 'stop.classify' ? jam.stopId : '', reasonEventId: jam.id };
}

/** The lead's line view, signed in, controlled by the service worker, live. */
async function leadView(context: BrowserContext, svc: TestService): Promise<DashboardPage> {
  const lead = new DashboardPage(await context.newPage());
  await lead.open(svc.url, '#/line/line-a');
  await lead.signIn('lead-a', 'lead-pass');
  await lead.page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await lead.page.evaluate(() => navigator.serviceWorker.controller !== null))) await lead.page.reload();
  await lead.waitLive();
  return lead;
}

/** The network goes. (The service first: with the browser already offline its socket would stall until the keepalive.) */
async function pullNetwork(lead: DashboardPage, context: BrowserContext, svc: TestService): Promise<void> {
  await svc.down();
  await context.setOffline(true);
  await expect(lead.page.getByTestId('live-status')).not.toHaveAttribute('data-connection', 'online', { timeout: 15_000 });
}

async function reclassify(lead: DashboardPage, stopId: string, reason: string, why: string): Promise<void> {
  await lead.page.locator(`[data-testid="stops"] tr[data-stop="${stopId}"]`).getByRole('button').click();
  await lead.page.getByLabel('New reason').selectOption(reason);
  await lead.page.getByLabel('Why').fill(why);
  await lead.page.getByRole('button', { name: 'Save correction' }).click();
}

test("a lead's correction made with the network gone survives a reload and reaches the service once, authored by the lead", async ({ browser, context, svc }) => {
  test.setTimeout(120_000);
  const { stopId, reasonEventId } = await jamStop(browser, svc);
  const lead = await leadView(context, svc);
  const row = lead.page.locator(`[data-testid="stops"] tr[data-stop="${stopId}"]`);
  await expect(row).toHaveAttribute('data-reason', 'jam', { timeout: 10_000 });

  // The network goes while the lead corrects.
  await pullNetwork(lead, context, svc);
  await reclassify(lead, stopId, 'setup', 'tool change, not a jam');
  const outbox = lead.page.getByTestId('lead-outbox');
  const waiting = outbox.locator('li[data-state="waiting"]');
  await expect(waiting).toHaveCount(1);
  await expect(waiting).toContainText('Setup');
  await expect(waiting).toContainText('waiting for the plant service');
  await expect(outbox.getByRole('status')).toContainText('Offline');
  await expect(lead.page.getByTestId('stop-detail').getByRole('alert')).toHaveCount(0);
  const entryId = await waiting.getAttribute('data-entry');
  await lead.page.screenshot({ path: 'test-results/lead-offline/waiting.png', fullPage: true });

  // Reload with no network: the correction is still on this computer (IndexedDB).
  await lead.page.reload();
  await expect(lead.page.getByTestId('dashboard-user')).toBeVisible();
  const kept = await lead.page.evaluate(async () => {
    const { deviceId } = JSON.parse(sessionStorage.getItem('floorboard.dashboard.session')!) as { deviceId: string };
    const db = await new Promise<IDBDatabase>((resolve, reject) => Object.assign(indexedDB.open(`floorboard-dash-${deviceId}`), { onsuccess(this: IDBRequest<IDBDatabase>) { resolve(this.result); }, onerror: reject }));
    const keys = await new Promise<IDBValidKey[]>((resolve) => Object.assign(db.transaction('outbox').objectStore('outbox').getAllKeys(), { onsuccess(this: IDBRequest<IDBValidKey[]>) { resolve(this.result); } }));
    db.close();
    return keys;
  });
  expect(kept).toEqual([entryId]);

  // Network back: the page loads the plant again, the outbox sends, the service's ack confirms.
  await svc.up();
  await context.setOffline(false);
  const confirmed = lead.page.locator(`[data-testid="lead-outbox"] li[data-state="confirmed"][data-entry="${entryId}"]`);
  await expect(confirmed).toContainText('Setup', { timeout: 30_000 });
  await expect(lead.page.locator(`[data-testid="stops"] tr[data-stop="${stopId}"]`)).toHaveAttribute('data-reason', 'setup', { timeout: 10_000 });
  await lead.page.screenshot({ path: 'test-results/lead-offline/confirmed.png', fullPage: true });

  // Once, authored by the lead, superseding the operator's entry (which stays stored).
  await lead.page.waitForTimeout(2000);
  const stored = await svc.events();
  const corrections = stored.filter((s) => s.event.type === 'correction');
  expect(corrections.map((s) => s.event.id)).toEqual([entryId]);
  expect(corrections[0]!.event).toMatchObject({ author: 'lead-a', supersedes: reasonEventId, reason: 'tool change, not a jam', replacement: { reasonId: 'setup' } });
  expect(new Set(stored.map((s) => s.event.id)).size).toBe(stored.length);
  expect(stored.some((s) => s.event.id === reasonEventId)).toBe(true);
});

test("a lead's entry the service refuses is shown refused with the service's message, and the entries behind it go through", async ({ browser, context, svc }) => {
  test.setTimeout(120_000);
  // The lead's page knows a reason (Tooling) that the service no longer knows when it comes back.
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { reasons: Record<string, unknown>[] };
  plant.reasons.push({ id: 'tooling', label: 'Tooling', loss: 'setup' });
  const withTooling = join(svc.dataDir, 'tooling.plant.json');
  await writeFile(withTooling, JSON.stringify(plant));
  await svc.down();
  await svc.up(withTooling);
  const { stopId } = await jamStop(browser, svc);
  const lead = await leadView(context, svc);
  await expect(lead.page.locator(`[data-testid="stops"] tr[data-stop="${stopId}"]`)).toHaveAttribute('data-reason', 'jam', { timeout: 10_000 });

  await pullNetwork(lead, context, svc);
  await reclassify(lead, stopId, 'tooling', 'new tool');
  const log = lead.page.getByTestId('shift-log');
  await log.getByRole('button', { name: 'Open problems' }).click();
  await log.getByLabel('Details').fill('Press 2 leaks oil');
  await log.getByRole('button', { name: 'Save handover' }).click();
  const outbox = lead.page.getByTestId('lead-outbox');
  await expect(outbox.locator('li[data-state="waiting"]')).toHaveCount(2);

  await svc.up(FIXTURE_PLANT);
  await context.setOffline(false);
  const refused = outbox.locator('li[data-state="rejected"]');
  await expect(refused).toContainText('unknown reason "tooling"', { timeout: 30_000 });
  await expect(outbox.locator('li[data-state="confirmed"]')).toContainText('Press 2 leaks oil', { timeout: 15_000 });
  await lead.page.screenshot({ path: 'test-results/lead-offline/refused.png', fullPage: true });
  // The lead reads it and dismisses it: gone from the list (and from the outbox).
  await refused.getByRole('button', { name: 'Dismiss' }).click();
  await expect(refused).toHaveCount(0);
  const stored = await svc.events();
  expect(stored.filter((s) => s.event.type === 'correction')).toHaveLength(0);
  expect(stored.filter((s) => s.event.type === 'handover' && s.event.author === 'lead-a')).toHaveLength(1);
});
