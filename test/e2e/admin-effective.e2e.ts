import { test, expect } from '@playwright/test';
import mqtt from 'mqtt';
import { ulid } from 'ulid';
import { topics } from '../../src/core/topics.ts';
import { TestService } from './support/test-service.ts';
import { DashboardPage } from './dashboard-pages.ts';

const MIN = 60_000;

/** Issue 13, proof 4: a reason's loss category changed with an effective time changes the lead's figures from then on, and not before. */
test("the admin books jams to setup from 30 minutes ago on: the lead's report keeps the earlier jam as equipment failure and books the later one to setup", async ({ browser }) => {
  test.setTimeout(120_000);
  const svc = await TestService.start();
  const desk = await browser.newContext({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' });
  try {
    // Olga logged two 10-minute jams: one an hour before `now`, one 20 minutes before. `now` stays
    // clear of the test plant's 10:00-10:30 UTC lunch, so both are planned time in full.
    const wall = Date.now();
    const lunch = Date.UTC(new Date(wall).getUTCFullYear(), new Date(wall).getUTCMonth(), new Date(wall).getUTCDate(), 10);
    const now = wall > lunch && wall < lunch + 100 * MIN ? lunch : wall;
    const login = (await (await fetch(`${svc.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'badge', badge: '1001', pin: '1234', deviceId: 'tab-eff' }) })).json()) as { token: string };
    const op = await mqtt.connectAsync(`mqtt://127.0.0.1:${svc.service!.mqttPort}`, { username: 'op-a', password: login.token, clientId: 'tab-eff', reconnectPeriod: 0 });
    let seq = 0;
    const ev = (ts: number, body: Record<string, unknown>) => ({ v: 1, id: ulid(ts), deviceId: 'tab-eff', seq: seq++, ts, author: 'op-a', lineId: 'line-a', stationId: 'a1', ...body });
    const events = [60, 20].flatMap((ago) => {
      const stopId = ulid(now - ago * MIN);
      return [ev(now - ago * MIN, { type: 'stop.start', stopId, reasonId: 'jam' }), ev(now - (ago - 10) * MIN, { type: 'stop.end', stopId })];
    });
    await op.publishAsync(topics.events({ site: 'test-site', area: 'assembly', line: 'line-a', station: 'a1' }), JSON.stringify({ events }), { qos: 1 });
    await op.endAsync();
    await expect.poll(async () => (await svc.service!.storage.listEvents({ lineIds: ['line-a'] })).events.length, { timeout: 10_000 }).toBe(4);

    const lead = await desk.newPage();
    const report = `#/report/line-a?from=${now - 70 * MIN}&to=${now}`;
    await new DashboardPage(lead).open(svc.url, '#/dashboard');
    await new DashboardPage(lead).signIn('lead-a', 'lead-pass');
    await lead.evaluate((hash) => (location.hash = hash), report);
    const losses = lead.getByTestId('report-losses');
    await expect(losses.locator('tr[data-key="breakdown"] td').nth(1)).toHaveText('20 min');
    await expect(losses.locator('tr[data-key="setup"]')).toHaveCount(0);

    const admin = await desk.newPage();
    await new DashboardPage(admin).open(svc.url, '#/dashboard');
    await new DashboardPage(admin).signIn('admin', 'admin-pass');
    const plant = admin.getByTestId('admin-plant');
    // In the reason tree's form: jams are booked to setup from now on.
    await plant.getByTestId('plant-tab-reasons').click();
    await plant.getByTestId('form-reason-jam').getByTestId('reason-loss').selectOption('setup');
    await plant.getByTestId('plant-check').click();
    await expect(plant.getByTestId('plant-diff')).toContainText('reasons[breakdown].children[jam].loss: "breakdown" → "setup"');
    await plant.getByTestId('plant-reason').fill('jams are tool changes now');
    // From 30 minutes ago, in the admin's local time (the input's own format).
    const from = await admin.evaluate((ms) => {
      const d = new Date(ms);
      return new Date(ms - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    }, now - 30 * MIN);
    await plant.getByTestId('plant-effective').fill(from);
    await plant.getByTestId('plant-apply').click();
    await expect(plant.getByTestId('plant-notice')).toHaveText('Applied as plant version 2.');
    await expect(admin.getByTestId('plant-version-2')).toContainText('reasons[breakdown].children[jam].lossBefore: added');

    // The lead's report: the jam before the effective time as it was, the one after it as setup.
    await lead.reload();
    await expect(losses.locator('tr[data-key="breakdown"] td').nth(1)).toHaveText('10 min');
    await expect(losses.locator('tr[data-key="setup"] td').nth(1)).toHaveText('10 min');
  } finally {
    await desk.close();
    await svc.dispose();
  }
});
