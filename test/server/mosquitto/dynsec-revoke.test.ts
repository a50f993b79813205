import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicesSchema } from '../../../src/core/contracts/devices.ts';
import { topics } from '../../../src/core/index.ts';
import { configSchema } from '../../../src/server/config.ts';
import { startService, type Service } from '../../../src/server/start-service.ts';
import { startMosquitto, type MosquittoBroker } from '../../helpers/mosquitto.ts';
import { FIXTURE_PLANT, fixtureLogin, SITE, type FixtureUser } from '../support/service-harness.ts';
import { connectTo, pubackCode } from './mqtt-probe.ts';

interface Login {
  token: string;
  mqtt: { username: string; password: string; clientId: string };
}

// The whole service on a real Mosquitto with dynamic security: a revocation deletes the device's
// broker clients, which makes Mosquitto disconnect them, and the old broker password is refused.
describe('revoking a device on an external Mosquitto (dynamic security)', () => {
  let broker: MosquittoBroker;
  let service: Service;
  const clients: MqttClient[] = [];
  const url = () => `http://127.0.0.1:${service.httpPort}`;
  const login = async (who: FixtureUser, deviceId: string, extra: Record<string, unknown> = {}): Promise<Login> => {
    const res = await fetch(`${url()}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...fixtureLogin(who, deviceId), ...extra }) });
    if (res.status !== 200) throw new Error(`login ${who}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Login;
  };
  const connect = (l: Login) => connectTo(broker.tcpPort, { username: l.mqtt.username, password: l.mqtt.password, clientId: l.mqtt.clientId, protocolVersion: 5 }, clients);
  let admin: Login;

  beforeAll(async () => {
    broker = await startMosquitto(FIXTURE_PLANT, 'dynsec');
    const env = broker.serviceEnv;
    service = await startService(
      configSchema.parse({ port: 0, host: '127.0.0.1', plantFile: FIXTURE_PLANT, dataDir: join(broker.dir, 'service'), staticDir: join(broker.dir, 'none'), mqttUrl: env.MQTT_URL, mqttUsername: env.MQTT_USERNAME, mqttPassword: env.MQTT_PASSWORD }),
      { logger: pino({ level: 'silent' }), hasDefaultMetrics: false },
    );
    admin = await login('admin', 'adm-mq');
  }, 30_000);
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await service?.close();
    await broker?.stop();
  });

  it('a connected tablet is disconnected within 1 s, its broker password and token are refused, and a lead enrols it again', async () => {
    await login('lead-a', 'tab-mq');
    const op = await login('op-a', 'tab-mq', { stationId: 'a1' });
    const tablet = await connect(op);
    // Its own report goes through (its per-device role), and reaches the device list.
    expect(await pubackCode(tablet, topics.deviceStatus(SITE, 'tab-mq'), JSON.stringify({ v: 1, deviceId: 'tab-mq', appVersion: '9.9.9', waiting: 3, stationId: 'a1', at: Date.now() }))).toBe(0);
    expect(await pubackCode(tablet, topics.deviceStatus(SITE, 'tab-other'), '{}')).toBe(135);
    const list = async () => devicesSchema.parse(await (await fetch(`${url()}/api/devices`, { headers: { authorization: `Bearer ${admin.token}` } })).json()).devices;
    await expect.poll(async () => (await list()).find((d) => d.deviceId === 'tab-mq')?.waiting, { timeout: 5000 }).toBe(3);

    const closed = new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const timer = setTimeout(() => reject(new Error('still connected after 1 s')), 1000);
      tablet.once('close', () => (clearTimeout(timer), resolve(Date.now() - started)));
    });
    const res = await fetch(`${url()}/api/devices/tab-mq/revoke`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}` } });
    expect(res.status).toBe(200);
    // Both broker clients of the device: the enrolling lead's and the operator's.
    expect(await res.json()).toMatchObject({ closedSessions: 2, claimedBy: 'lead-a' });
    expect(await closed).toBeLessThan(1000);

    await expect(connect(op)).rejects.toThrow();
    expect((await fetch(`${url()}/api/plant`, { headers: { authorization: `Bearer ${op.token}` } })).status).toBe(403);
    await expect(login('op-a', 'tab-mq', { stationId: 'a1' })).rejects.toThrow(/403.*device-revoked/);

    await login('lead-a', 'tab-mq');
    const again = await login('op-a', 'tab-mq', { stationId: 'a1' });
    const back = await connect(again);
    expect(await pubackCode(back, topics.events({ site: SITE, area: 'assembly', line: 'line-a', station: 'a1' }), '{"events":[]}')).toBe(0);
  });

  it('a connected gateway is disconnected within 1 s and its old broker password is refused', async () => {
    const gw = await login('gw-a', 'gw-mq');
    const client = await connect(gw);
    const closed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 1000);
      client.once('close', () => (clearTimeout(timer), resolve(true)));
    });
    expect((await fetch(`${url()}/api/devices/gw-mq/revoke`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}` } })).status).toBe(200);
    expect(await closed).toBe(true);
    await expect(connect(gw)).rejects.toThrow();
  });
});
