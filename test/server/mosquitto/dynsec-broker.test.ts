import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as mqttConnect, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackSchema } from '../../../src/core/events.schema.ts';
import { stationStatusSchema } from '../../../src/core/live.schema.ts';
import { startService, type Service } from '../../../src/server/app.ts';
import { configSchema } from '../../../src/server/config.ts';
import { startMosquitto, type MosquittoBroker } from '../../helpers/mosquitto.ts';
import { countEvent, FIXTURE_PLANT, nextMessage, SITE } from '../service-harness.ts';
import { connectTo, pubackCode, recorder, sleep, subackCode } from './mqtt-probe.ts';

const root = `floorboard/v1/${SITE}`;
const lineA = `${root}/assembly/line-a`;
const lineB = `${root}/assembly/line-b`;
type Creds = { path: string; username: string; password: string; clientId: string };

describe('Mosquitto with dynamic security: per-session broker clients made at login', () => {
  let broker: MosquittoBroker;
  let service: Service;
  let dataDir: string;
  const clients: MqttClient[] = [];
  const login = async (body: Record<string, unknown>) => {
    const res = await fetch(`http://127.0.0.1:${service.httpPort}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as { token: string; mqtt: Creds };
  };
  const connect = (c: Creds, v5 = true) => connectTo(broker.tcpPort, { username: c.username, password: c.password, clientId: c.clientId, protocolVersion: v5 ? 5 : 4 }, clients);
  const storedIds = async () => new Set((await service.storage.listEvents()).events.map((e) => e.event.id));

  beforeAll(async () => {
    broker = await startMosquitto(FIXTURE_PLANT, 'dynsec');
    dataDir = await mkdtemp(join(tmpdir(), 'floorboard-dynsec-'));
    const { MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD } = broker.serviceEnv;
    service = await startService(
      configSchema.parse({ port: 0, host: '127.0.0.1', plantFile: FIXTURE_PLANT, dataDir, staticDir: join(dataDir, 'none'), mqttUrl: MQTT_URL, mqttUsername: MQTT_USERNAME, mqttPassword: MQTT_PASSWORD }),
      { logger: pino({ level: 'silent' }), hasDefaultMetrics: false },
    );
  }, 20_000);
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await service?.close();
    await broker?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('hands out a session client bound to the device; the token, another client id and anonymous are refused', async () => {
    const { token, mqtt } = await login({ kind: 'badge', badge: '1001', pin: '1234', deviceId: 'tab-d1' });
    expect(mqtt).toMatchObject({ username: 'op-a@tab-d1', clientId: 'tab-d1' });
    expect(mqtt.password).not.toBe(token);
    await expect(connect({ ...mqtt, password: token })).rejects.toThrow();
    await expect(connect({ ...mqtt, clientId: 'tab-other' })).rejects.toThrow();
    await expect(connectTo(broker.tcpPort, { clientId: 'anon' }, clients)).rejects.toThrow();
    await expect(connect(mqtt)).resolves.toBeDefined();
  });

  it('serves the tablets over the WebSocket listener with the same session credentials', async () => {
    const { mqtt } = await login({ kind: 'badge', badge: '1001', pin: '1234', deviceId: 'tab-ws' });
    const ws = mqttConnect(`ws://127.0.0.1:${broker.wsPort}${mqtt.path}`, { username: mqtt.username, password: mqtt.password, clientId: mqtt.clientId, reconnectPeriod: 0, connectTimeout: 5000 });
    clients.push(ws);
    await new Promise<void>((resolve, reject) => (ws.once('connect', () => resolve()), ws.once('error', reject)));
    expect(await subackCode(ws, `${root}/_ack/tab-ws`)).toBe(1);
    expect(await subackCode(ws, `${lineB}/status`)).toBe(128);
  });

  it('refuses an operator subscribing past its scope: SUBACK 0x80 on MQTT 3.1.1, 0x87 on MQTT 5', async () => {
    const { mqtt } = await login({ kind: 'badge', badge: '1001', pin: '1234', deviceId: 'tab-d2' });
    const v4 = await connect(mqtt, false);
    expect(await subackCode(v4, `${lineA}/status`)).toBe(1);
    expect(await subackCode(v4, `${root}/_ack/tab-d2`)).toBe(1);
    expect(await subackCode(v4, `${lineB}/status`)).toBe(128);
    expect(await subackCode(v4, `${lineB}/oee`)).toBe(128);
    expect(await subackCode(v4, `${root}/_ack/tab-d1`)).toBe(128);
    expect(await subackCode(v4, `${root}/#`)).toBe(128);
    expect(await subackCode(v4, `${lineA}/station/a1/events`)).toBe(128);
    v4.end(true);
    const v5 = await connect(mqtt);
    expect(await subackCode(v5, `${lineB}/status`)).toBe(0x87);
    expect(await subackCode(v5, `${lineA}/oee`)).toBe(1);
  });

  it('delivers the retained station status the service publishes to the station\'s operator only', async () => {
    const { mqtt } = await login({ kind: 'badge', badge: '1002', pin: '2345', deviceId: 'tab-d5' });
    const c = await connect(mqtt);
    const status = nextMessage<{ stationId: string; state: string }>(c, `${lineB}/station/b1/status`);
    expect(await subackCode(c, `${lineB}/station/b1/status`)).toBe(1);
    expect(stationStatusSchema.parse(await status)).toMatchObject({ stationId: 'b1', lineId: 'line-b' });
    expect(await subackCode(c, `${lineA}/station/a1/status`)).toBe(0x87);
    expect(await subackCode(c, `${lineB}/station/+/status`)).toBe(0x87);
  });

  it('refuses an operator publishing to line B, a status or an ack topic (PUBACK 135), stores and delivers nothing', async () => {
    const { mqtt } = await login({ kind: 'badge', badge: '1001', pin: '1234', deviceId: 'tab-d3' });
    const admin = await login({ kind: 'password', userId: 'admin', password: 'admin-pass', deviceId: 'watch-1' });
    const watcher = await connect(admin.mqtt);
    expect(await subackCode(watcher, `${lineB}/station/b1/events`)).toBe(1);
    const seen = recorder(watcher);
    const c = await connect(mqtt);
    const forbidden = countEvent({ deviceId: 'tab-d3', lineId: 'line-b', stationId: 'b1' });
    expect(await pubackCode(c, `${lineB}/station/b1/events`, JSON.stringify({ events: [forbidden] }))).toBe(135);
    expect(await pubackCode(c, `${lineA}/status`, JSON.stringify({ state: 'running' }))).toBe(135);
    expect(await pubackCode(c, `${root}/_ack/tab-d3`, JSON.stringify({ accepted: [] }))).toBe(135);
    // The allowed publish after them is committed and acknowledged: the broker passed everything before it.
    expect(await subackCode(c, `${root}/_ack/tab-d3`)).toBe(1);
    const valid = countEvent({ deviceId: 'tab-d3' });
    const ack = nextMessage(c, `${root}/_ack/tab-d3`, 5000, (a: { accepted: string[] }) => a.accepted.includes(valid.id as string));
    expect(await pubackCode(c, `${lineA}/station/a1/events`, JSON.stringify({ events: [valid] }))).toBe(0);
    expect(ackSchema.parse(await ack).accepted).toEqual([valid.id]);
    const ids = await storedIds();
    expect(ids.has(valid.id as string)).toBe(true);
    expect(ids.has(forbidden.id as string)).toBe(false);
    expect(seen.topics).toEqual([]);
  });

  it('refuses a manager publishing anything and a gateway publishing events; the gateway signals its station', async () => {
    const mgr = await connect((await login({ kind: 'password', userId: 'mgr', password: 'mgr-pass', deviceId: 'dash-d' })).mqtt);
    const gw = await connect((await login({ kind: 'password', userId: 'gw-a', password: 'gw-pass', deviceId: 'gw-d' })).mqtt);
    const byManager = countEvent({ deviceId: 'dash-d' });
    const byGateway = countEvent({ deviceId: 'gw-d', author: 'gw-a' });
    expect(await pubackCode(mgr, `${lineA}/station/a1/events`, JSON.stringify({ events: [byManager] }))).toBe(135);
    expect(await pubackCode(mgr, `${lineA}/corrections`, JSON.stringify({ events: [byManager] }))).toBe(135);
    expect(await subackCode(mgr, `${lineB}/oee`)).toBe(1);
    expect(await subackCode(mgr, `${root}/_ack/dash-d`)).toBe(0x87);
    expect(await pubackCode(gw, `${lineA}/station/a1/events`, JSON.stringify({ events: [byGateway] }))).toBe(135);
    expect(await pubackCode(gw, `${lineB}/station/b1/signals`, JSON.stringify({ events: [] }))).toBe(135);
    expect(await pubackCode(gw, `${lineA}/station/a1/signals`, JSON.stringify({ events: [] }))).toBe(0);
    await sleep(300);
    const ids = await storedIds();
    expect(ids.has(byManager.id as string)).toBe(false);
    expect(ids.has(byGateway.id as string)).toBe(false);
  });
});
