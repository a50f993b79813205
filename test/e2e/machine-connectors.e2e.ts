import { test, expect } from '@playwright/test';
import mqtt from 'mqtt';
import { topics } from '../../src/core/topics.ts';
import { TestService } from './support/test-service.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { seriousViolations } from './support/a11y.ts';

test('the admin area lists the machine connectors as their gateway reported them: connected, and not connected with the last error (en, de)', async ({ browser }) => {
  test.setTimeout(90_000);
  const svc = await TestService.start();
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' });
  try {
    // The gateway of station a1 reports its connection on its own retained health topic, as `floorboard gateway` does.
    const login = (await (await fetch(`${svc.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'password', userId: 'gw-a', password: 'gw-pass', deviceId: 'gw-e2e' }) })).json()) as { token: string };
    const gw = await mqtt.connectAsync(`mqtt://127.0.0.1:${svc.service!.mqttPort}`, { username: 'gw-a', password: login.token, clientId: 'gw-e2e', reconnectPeriod: 0 });
    const report = (connected: boolean) => ({
      v: 1,
      deviceId: 'gw-e2e',
      at: Date.now(),
      everySec: 60,
      connectors: [{ stationId: 'a1', protocol: 'modbus', connected, lastValueAt: Date.now() - 5000, errorCount: connected ? 0 : 3, lastError: connected ? null : { at: Date.now(), message: 'Timed out' } }],
    });
    const send = (connected: boolean) => gw.publishAsync(topics.connectorHealth('test-site', 'gw-e2e'), JSON.stringify(report(connected)), { qos: 1, retain: true });
    await send(true);

    const page = await context.newPage();
    await page.goto(svc.url);
    await page.getByRole('link', { name: 'Open the dashboards' }).click();
    await new DashboardPage(page).signIn('admin', 'admin-pass');
    const table = page.getByTestId('machine-connectors');
    await expect(table.getByRole('heading', { name: 'Machine connectors' })).toBeVisible();
    const row = table.getByTestId('connector-a1');
    await expect(row).toContainText('gw-e2e · modbus');
    await expect(row.locator('td').nth(2)).toHaveText('connected');

    await send(false);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(row.locator('td').nth(2)).toHaveText('not connected');
    await expect(row.locator('td').nth(4)).toContainText('3');
    await expect(row.locator('td').nth(4)).toContainText('Timed out');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByTestId('dashboard-language').selectOption('de');
    await expect(table.getByRole('heading', { name: 'Maschinenanbindungen' })).toBeVisible();
    await expect(row.locator('td').nth(2)).toHaveText('nicht verbunden');
    await gw.endAsync();
  } finally {
    await context.close();
    await svc.dispose();
  }
});
