import { pino } from 'pino';
import mqtt, { type MqttClient } from 'mqtt';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackSchema } from '../../../src/core/events.schema.ts';
import { startService, type Service } from '../../../src/server/start-service.ts';
import { configSchema } from '../../../src/server/config.ts';
import { startMosquitto, type MosquittoBroker } from '../../helpers/mosquitto.ts';
import { countEvent, FIXTURE_PLANT, nextMessage, publish, SITE, subscribe } from '../support/service-harness.ts';

const root = `floorboard/v1/${SITE}`;
const lineA = `${root}/assembly/line-a`;
const lineB = `${root}/assembly/line-b`;

// The broker files and the broker's own refusals are tested in test/server/mosquitto/; this is the
// whole service (ingest, acks, live status, scopes) through a real Mosquitto.
describe('the service through an external Mosquitto (broker-config --auth acl)', () => {
  let broker: MosquittoBroker;
  let service: Service;
  const clients: MqttClient[] = [];

  const connect = (username: string | undefined, password: string | undefined, clientId: string) =>
    new Promise<MqttClient>((resolve, reject) => {
      const c = mqtt.connect(`mqtt://127.0.0.1:${broker.tcpPort}`, { clientId, reconnectPeriod: 0, connectTimeout: 5000, ...(username ? { username } : {}), ...(password ? { password } : {}) });
      clients.push(c);
      c.once('connect', () => resolve(c));
      c.once('error', reject);
    });
  const as = (userId: string, deviceId: string) => connect(userId, broker.credentials[userId], deviceId);
  const storedIds = async () => new Set((await service.storage.listEvents()).events.map((e) => e.event.id));

  beforeAll(async () => {
    broker = await startMosquitto(FIXTURE_PLANT, 'acl');
    const env = broker.serviceEnv;
    service = await startService(
      configSchema.parse({ port: 0, host: '127.0.0.1', plantFile: FIXTURE_PLANT, dataDir: join(broker.dir, 'service'), staticDir: join(broker.dir, 'none'), mqttUrl: env.MQTT_URL, mqttUsername: env.MQTT_USERNAME, mqttPassword: env.MQTT_PASSWORD }),
      { logger: pino({ level: 'silent' }), hasDefaultMetrics: false },
    );
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await service?.close();
    await broker?.stop();
  });

  it('ingests through Mosquitto and acks after the commit; the operator stays inside its scope', async () => {
    const c = await as('op-a', 'tab-m');
    const ackTopic = `${root}/_ack/tab-m`;
    expect(await subscribe(c, ackTopic)).toBe(1);
    // Only what the ACL lets the user read is delivered: the service's retained status of line A
    // arrives, line B's and line C's never do.
    const seen: string[] = [];
    c.on('message', (t) => seen.push(t));
    await subscribe(c, `${lineB}/status`);
    await subscribe(c, `${root}/+/+/oee`);
    const statusA = nextMessage(c, `${lineA}/status`);
    await subscribe(c, `${lineA}/status`);
    await statusA;

    // Denied publishes are dropped by Mosquitto; the valid one after them is acked.
    const forbidden = countEvent({ deviceId: 'tab-m', lineId: 'line-b', stationId: 'b1' });
    await publish(c, `${lineB}/station/b1/events`, JSON.stringify({ events: [forbidden] })).catch(() => undefined);
    await publish(c, `${lineA}/status`, JSON.stringify({ state: 'running' })).catch(() => undefined);
    const valid = countEvent({ deviceId: 'tab-m' });
    const ack = nextMessage(c, ackTopic);
    await publish(c, `${lineA}/station/a1/events`, JSON.stringify({ events: [valid] }));
    expect(ackSchema.parse(await ack).accepted).toEqual([valid.id]);
    const ids = await storedIds();
    expect(ids.has(valid.id as string)).toBe(true);
    expect(ids.has(forbidden.id as string)).toBe(false);
    expect(seen.filter((t) => t.includes('line-b') || t.includes('line-c'))).toEqual([]);
  });

  it('refuses anonymous clients and wrong passwords; managers and gateways cannot inject events', async () => {
    await expect(connect(undefined, undefined, 'anon')).rejects.toThrow();
    await expect(connect('op-a', 'wrong', 'tab-x')).rejects.toThrow();
    const m = await as('mgr', 'dash-m');
    const g = await as('gw-a', 'gw-m');
    const byManager = countEvent({ deviceId: 'dash-m' });
    const byGateway = countEvent({ deviceId: 'gw-m', author: 'gw-a' });
    await publish(m, `${lineA}/station/a1/events`, JSON.stringify({ events: [byManager] })).catch(() => undefined);
    await publish(g, `${lineA}/station/a1/events`, JSON.stringify({ events: [byGateway] })).catch(() => undefined);
    // A message the gateway may send, to know everything before it has passed.
    await subscribe(g, `${root}/_ack/gw-m`);
    const ack = nextMessage(g, `${root}/_ack/gw-m`);
    await publish(g, `${lineA}/station/a1/signals`, JSON.stringify({ events: [countEvent({ deviceId: 'gw-m', author: 'gw-a', type: 'machine.state', state: 'running' })] }));
    await ack;
    const ids = await storedIds();
    expect(ids.has(byManager.id as string)).toBe(false);
    expect(ids.has(byGateway.id as string)).toBe(false);
  });
});
