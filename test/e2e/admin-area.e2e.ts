import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import mqtt from 'mqtt';
import { topics } from '../../src/core/topics.ts';
import { TestService, FIXTURE_PLANT } from './support/test-service.ts';
import { Gateway } from './support/gateway.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { keepScreenshot, seriousViolations } from './support/a11y.ts';

const SECRET_ENV = 'ANDON_E2E_ADMIN_WEBHOOK_SECRET';
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

/** A webhook receiver that always answers 500: every delivery to it is given up after its tries. */
async function brokenReceiver(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.writeHead(500).end('down for maintenance');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, requests: () => n, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('the admin lands in the admin area and sees what did not get through: an andon webhook given up after its tries and a refused message shown as text (en, de)', async ({ browser }) => {
  test.setTimeout(120_000);
  process.env[SECRET_ENV] = 'e2e-admin-webhook-secret-0123456789';
  const receiver = await brokenReceiver();
  const svc = await TestService.start();
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' });
  try {
    const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as Record<string, unknown> & { areas: { lines: Record<string, unknown>[] }[] };
    for (const a of plant.areas) for (const l of a.lines) if (l.id === 'line-a') Object.assign(l, { monitoredFrom: '2000-01-01T00:00:00Z', heartbeatTimeoutSec: 3600 });
    plant.andon = {
      rules: [{ id: 'stop-maint', lines: ['line-a'], trigger: { kind: 'stop', afterSec: 1 }, call: 'maintenance', acknowledgedBy: ['lead'], escalation: [{ afterSec: 0, notify: ['maintenance'] }] }],
      webhooks: [{ id: 'maint-hook', url: receiver.url, secretEnv: SECRET_ENV }],
    };
    const file = join(svc.dataDir, 'admin.plant.json');
    await writeFile(file, JSON.stringify(plant));
    await svc.down();
    // Short tries for the test: two, 100 ms apart.
    await svc.up(file, { andon: { delivery: { maxAttempts: 2, backoffMs: 100, timeoutMs: 2000 } } });

    // A machine stop calls maintenance; its webhook answers 500 twice and the delivery is given up.
    const gw = await Gateway.connect(svc.url, svc.service!.mqttPort!);
    await gw.state('running', Date.now() - 60_000);
    await gw.state('stopped');
    await expect.poll(() => receiver.requests(), { timeout: 15_000 }).toBe(2);
    await gw.end();
    // A tablet-like client sends broken JSON carrying markup: refused and kept as a dead letter.
    const login = (await (await fetch(`${svc.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'badge', badge: '1001', pin: '1234', deviceId: 'tab-admin-e2e' }) })).json()) as { token: string };
    const op = await mqtt.connectAsync(`mqtt://127.0.0.1:${svc.service!.mqttPort}`, { username: 'op-a', password: login.token, clientId: 'tab-admin-e2e', reconnectPeriod: 0 });
    await op.publishAsync(topics.events({ site: 'test-site', area: 'assembly', line: 'line-a', station: 'a1' }), `{"events": ${HOSTILE}`, { qos: 1 });
    await op.endAsync();
    await expect.poll(async () => (await svc.service!.storage.listDeadLetters(5)).length, { timeout: 10_000 }).toBe(1);

    const page = await context.newPage();
    await page.goto(svc.url);
    await page.getByRole('link', { name: 'Open the dashboards' }).click();
    const d = new DashboardPage(page);
    await d.signIn('admin', 'admin-pass');
    await expect(page).toHaveURL(/#\/admin$/);
    const area = page.getByTestId('admin-area');
    await expect(area.getByRole('heading', { name: 'Admin', level: 1 })).toBeVisible();

    const dead = area.getByTestId('dead-deliveries').locator('tbody tr');
    await expect(dead).toHaveCount(1);
    await expect(dead).toContainText('Line A · raised');
    await expect(dead).toContainText('webhook · maint-hook');
    await expect(dead.locator('td').nth(3)).toHaveText('2');
    await expect(dead.locator('td').nth(4)).toHaveText('HTTP 500');

    const letter = area.getByTestId('dead-letters').locator('tbody tr');
    await expect(letter).toHaveCount(1);
    // Broken JSON names no device: the topic it came on says where from.
    await expect(letter).toContainText('assembly/line-a/station/a1/events');
    await expect(letter).toContainText('bad-json');
    // The payload is shown as the text it was, never run as markup.
    await expect(letter.locator('code')).toHaveText(`{"events": ${HOSTILE}`);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null)).toBeNull();
    await expect(area.locator('img')).toHaveCount(0);
    expect(await seriousViolations(page)).toEqual([]);
    await keepScreenshot(page, test.info(), 'admin-area-en');

    await page.getByTestId('dashboard-language').selectOption('de');
    await expect(area.getByRole('heading', { name: 'Verwaltung', level: 1 })).toBeVisible();
    await expect(area.getByRole('heading', { name: 'Nicht zugestellte Andon-Nachrichten' })).toBeVisible();
    await expect(dead).toContainText('Line A · gerufen');
    await expect(dead.locator('td').first()).toHaveText(/^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    await expect(area.getByRole('heading', { name: 'Abgelehnte Nachrichten (Dead Letters)' })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await keepScreenshot(page, test.info(), 'admin-area-de');

    // Not for a lead: the service refuses both lists, whatever the page would try.
    const lead = (await (await fetch(`${svc.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'password', userId: 'lead-a', password: 'lead-pass', deviceId: 'lead-admin-e2e' }) })).json()) as { token: string };
    for (const path of ['/api/andon/deliveries?state=dead', '/api/dead-letters']) expect((await fetch(`${svc.url}${path}`, { headers: { authorization: `Bearer ${lead.token}` } })).status, path).toBe(403);
  } finally {
    await context.close();
    await svc.dispose();
    await receiver.close();
  }
});
