import { test, expect } from '@playwright/test';
import { TestService } from './support/test-service.ts';
import { Screens } from './support/screens.ts';
import { TabletPage } from './support/tablet-page.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { writeColleaguePlant } from './support/colleague-plant.ts';
import { keepScreenshot, seriousViolations } from './support/a11y.ts';
import { publishTopic } from './support/mqtt-frames.ts';

test('an admin revokes a signed-in tablet: it is dropped, says it must be enrolled again (en, de), keeps its entries, and sends them under their authors after a lead enrols it again', async ({ browser }) => {
  test.setTimeout(150_000);
  const svc = await TestService.start();
  const screens = new Screens();
  try {
    await svc.down();
    await svc.up(await writeColleaguePlant(svc.dataDir));
    const tabletPage = await (await screens.context(browser, true)).newPage();
    // Between tablet and broker: while holding, the tablet's entry batches never arrive (its
    // reports do), so entries wait in its outbox as behind a stalled network.
    let isHolding = false;
    await tabletPage.routeWebSocket(/\/mqtt$/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        if (!(isHolding && publishTopic(m)?.endsWith('/events'))) server.send(m);
      });
      server.onMessage((m) => ws.send(m));
    });
    const tablet = new TabletPage(tabletPage);
    await tablet.open(svc.url);
    await tablet.enrol('lead-a', 'lead-pass', 'a1');
    await tablet.signIn('1001', '1234'); // Olga
    const pill = tabletPage.getByTestId('sync-indicator');
    await expect(pill).toHaveAttribute('data-mode', /online|syncing/, { timeout: 15_000 });
    isHolding = true;
    await tablet.bookCount(4, 0);
    await tablet.bookCount(2, 0);
    await expect(pill).toHaveAttribute('data-waiting', '2');
    const made = await tablet.outboxIds();
    expect(made).toHaveLength(2);

    // The admin's devices: the tablet with its station, who enrolled it and its two waiting entries.
    const desk = await (await screens.context(browser)).newPage();
    await desk.goto(svc.url);
    await desk.getByRole('link', { name: 'Open the dashboards' }).click();
    await new DashboardPage(desk).signIn('admin', 'admin-pass');
    await expect(desk).toHaveURL(/#\/admin$/);
    const devices = desk.getByTestId('devices');
    const enrolled = devices.locator('tbody tr', { hasText: 'lead-a' });
    await expect(async () => {
      await desk.getByRole('button', { name: 'Refresh' }).click();
      await expect(enrolled.locator('td').nth(5)).toHaveText('2', { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    // The row by device id: after the revocation nobody holds its claim.
    const row = devices.getByTestId((await enrolled.getAttribute('data-testid'))!);
    await expect(row.locator('td').nth(1)).toHaveText('a1');
    await expect(row.locator('td').nth(4)).toHaveText(/^\d+\.\d+\.\d+$/);
    await expect(row.locator('td').first()).toContainText('Tablet');

    // Revoke, after a confirmation; the buttons are big enough for a gloved finger.
    await row.getByRole('button', { name: 'Revoke' }).click();
    await expect(row).toContainText('Its session ends now, and it must be enrolled again.');
    const yes = row.getByRole('button', { name: 'Yes, revoke' });
    expect((await yes.boundingBox())!.height).toBeGreaterThanOrEqual(64);
    expect((await row.getByRole('button', { name: 'Cancel' }).boundingBox())!.height).toBeGreaterThanOrEqual(64);
    await keepScreenshot(desk, test.info(), 'admin-devices-confirm-en');
    await yes.click();
    await expect(devices.getByRole('status')).toContainText('revoked: 1 open session(s) ended');
    await expect(row.locator('td').nth(7)).toContainText('Revoked');
    await expect(row.locator('td').nth(7)).toContainText('by admin');
    expect(await seriousViolations(desk)).toEqual([]);

    // The tablet is dropped at once and says plainly what happened and what became of its entries.
    const revoked = tabletPage.getByTestId('revoked');
    await expect(revoked).toBeVisible({ timeout: 15_000 });
    await expect(revoked).toContainText('This tablet was revoked');
    await expect(revoked).toContainText('until a lead or an admin enrols it again');
    await expect(revoked).toContainText('2 entries made on this tablet are kept');
    await expect(tabletPage.getByLabel('User id')).toBeVisible();
    expect(await seriousViolations(tabletPage)).toEqual([]);
    await keepScreenshot(tabletPage, test.info(), 'tablet-revoked-en');
    await tablet.setLanguage('de');
    await expect(revoked).toContainText('Dieses Tablet wurde gesperrt');
    await expect(revoked).toContainText('2 Einträge auf diesem Tablet bleiben erhalten');
    await keepScreenshot(tabletPage, test.info(), 'tablet-revoked-de');
    await tablet.setLanguage('en');
    // Still revoked after a reload, and nothing was lost.
    await tabletPage.reload();
    await expect(revoked).toBeVisible();
    expect((await tablet.outboxIds()).sort()).toEqual([...made].sort());
    expect((await svc.events()).filter((s) => made.includes(s.event.id))).toEqual([]);

    // A lead enrols it again; the next operator (Carla) signs in, and Olga's entries go out as Olga's.
    isHolding = false;
    await tablet.enrol('lead-a', 'lead-pass', 'a1');
    await expect(revoked).toHaveCount(0);
    await tablet.signIn('1003', '1234');
    await tablet.waitSynced();
    const stored = (await svc.events()).filter((s) => made.includes(s.event.id));
    expect(stored).toHaveLength(2);
    expect(stored.every((s) => s.event.author === 'op-a')).toBe(true);
    await desk.getByRole('button', { name: 'Refresh' }).click();
    await expect(row.getByRole('button', { name: 'Revoke' })).toBeVisible();
  } finally {
    await screens.closeAll();
    await svc.dispose();
  }
});
