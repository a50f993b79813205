import { test, expect } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { configSchema } from '../../src/server/config.ts';
import { startService, type Service } from '../../src/server/start-service.ts';
import { startMosquitto, type MosquittoBroker } from '../helpers/mosquitto.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { FIXTURE_PLANT } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';
import { TcpRelay } from './support/tcp-relay.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN_SECRET = 'e2e-cluster-token-secret-0123456789abcdef';

let pg: TestPostgres;
let broker: MosquittoBroker;
const instances = new Map<string, Service>();
const dirs: string[] = [];
let balancer: TcpRelay;

async function instance(id: string, databaseUrl: string): Promise<Service> {
  const dataDir = await mkdtemp(join(tmpdir(), `fb-e2e-cluster-${id}-`));
  dirs.push(dataDir);
  const env = broker.serviceEnv;
  const config = configSchema.parse({
    port: 0, host: '127.0.0.1', plantFile: FIXTURE_PLANT, dataDir, staticDir: join(root, 'dist'), oeeIntervalMs: 1000, logLevel: 'silent',
    mqttUrl: env.MQTT_URL, mqttWsUrl: env.MQTT_WS_URL, mqttUsername: env.MQTT_USERNAME, mqttPassword: env.MQTT_PASSWORD,
    databaseUrl, tokenSecret: TOKEN_SECRET, clusterGroup: 'e2e', instanceId: id,
  });
  const service = await startService(config, { logger: pino({ level: 'silent' }), hasDefaultMetrics: false });
  instances.set(id, service);
  return service;
}

test.beforeEach(async () => {
  pg = await startTestPostgres();
  const databaseUrl = await pg.createDatabase();
  broker = await startMosquitto(FIXTURE_PLANT, 'dynsec');
  await instance('a', databaseUrl);
  await instance('b', databaseUrl);
  // One address for the plant, as a load balancer gives: the first instance still up.
  balancer = await TcpRelay.start(() => (instances.get('a') ?? instances.get('b'))?.httpPort);
});
test.afterEach(async () => {
  await balancer?.close();
  for (const s of instances.values()) await s.close();
  instances.clear();
  await broker?.stop();
  await pg?.stop();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

test('two instances behind one address: a tablet books, the board shows it; the leading instance goes down and tablet and board go on with the other', async ({ browser }) => {
  test.setTimeout(120_000);
  const url = `http://127.0.0.1:${balancer.port}`;
  expect(instances.get('a')!.leaderEpoch()).not.toBeNull();

  const tablet = new TabletPage(await (await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true })).newPage());
  tablet.page.on('pageerror', (e) => console.log('tablet page error:', e.message));
  await tablet.setUp(url);
  const board = new DashboardPage(await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage());
  await board.open(url, '#/board');
  await board.signIn('mgr', 'mgr-pass');
  await board.waitLive();

  await tablet.bookCount(12, 0);
  await tablet.waitSynced();
  await expect(board.tile('line-a').getByTestId('produced')).toContainText('12 /', { timeout: 15_000 });
  await board.page.screenshot({ path: 'test-results/screenshots/cluster-board-before.png' });

  // The leading instance goes down: its connections drop, the address now reaches the other one.
  balancer.cut();
  await instances.get('a')!.close();
  instances.delete('a');
  await expect.poll(() => instances.get('b')!.leaderEpoch(), { timeout: 15_000 }).not.toBeNull();

  // The operator goes on: a stop and more parts, synced through the other instance.
  await tablet.stopWithReason('Setup');
  await tablet.restart();
  await tablet.bookCount(5, 0);
  await tablet.waitSynced(45_000);
  // The board reconnected by itself and shows the new leader's figures, rebuilt from the database.
  await expect(board.tile('line-a').getByTestId('produced')).toContainText('17 /', { timeout: 20_000 });
  await expect(board.tile('line-a').getByTestId('top-loss')).toContainText('Setup', { timeout: 10_000 });
  await board.page.screenshot({ path: 'test-results/screenshots/cluster-board-after.png' });
  await tablet.page.screenshot({ path: 'test-results/screenshots/cluster-tablet-after.png' });
});
