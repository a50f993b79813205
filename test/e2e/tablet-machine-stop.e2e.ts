import { test, expect } from '@playwright/test';
import mqtt from 'mqtt';
import { ulid } from 'ulid';
import { topics } from '../../src/core/topics.ts';
import { TestService } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';

test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });

let svc: TestService;
test.beforeEach(async () => {
  svc = await TestService.start();
});
test.afterEach(async ({ context }) => {
  await context.close();
  await svc?.dispose();
});

/** The machine gateway of station a1 reports a stop that began `agoMs` ago. */
async function machineStops(agoMs: number): Promise<string> {
  const res = await fetch(`${svc.url}/api/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'password', userId: 'gw-a', password: 'gw-pass', deviceId: 'gw-dev' }),
  });
  const { token } = (await res.json()) as { token: string };
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${svc.service!.mqttPort}`, { username: 'gw-a', password: token, clientId: 'gw-dev', reconnectPeriod: 0 });
  const id = ulid();
  const event = { v: 1, id, deviceId: 'gw-dev', seq: 0, ts: Date.now() - agoMs, author: 'gw-a', lineId: 'line-a', stationId: 'a1', type: 'machine.state', state: 'stopped' };
  await client.publishAsync(topics.signals({ site: 'test-site', area: 'assembly', line: 'line-a', station: 'a1' }), JSON.stringify({ events: [event] }), { qos: 1 });
  await client.endAsync();
  return id;
}

test('a stop the machine detected shows as "needs a reason" and is classified in one tap (portrait)', async ({ context }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const machineStopEvent = await machineStops(5 * 60_000);

  const list = tablet.page.getByTestId('needs-reason');
  await expect(list.getByRole('listitem')).toHaveCount(1, { timeout: 15_000 });
  await list.getByRole('button', { name: 'Give reason' }).tap();
  await tablet.page.getByRole('button', { name: 'Setup', exact: true }).tap();
  await expect(list).toHaveCount(0);
  await tablet.waitSynced();

  const classify = (await svc.events()).map((s) => s.event).filter((e) => e.type === 'stop.classify');
  expect(classify).toHaveLength(1);
  // The machine's stop is the one classified: its id is the machine event's id.
  expect(classify[0]).toMatchObject({ author: 'op-a', reasonId: 'setup', stopId: machineStopEvent });
});
