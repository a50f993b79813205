import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as mqttConnect, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackSchema } from '../../../src/core/events.schema.ts';
import { stationStatusSchema } from '../../../src/core/live.schema.ts';
import { stationLogWireSchema } from '../../../src/core/station-log.schema.ts';
import { startService, type Service } from '../../../src/server/start-service.ts';
import { configSchema } from '../../../src/server/config.ts';
import { startMosquitto, type MosquittoBroker } from '../../helpers/mosquitto.ts';
import { countEvent, FIXTURE_PLANT, nextMessage, SITE, fixtureLogin } from '../support/service-harness.ts';
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
    const { token, mqtt } = await login(fixtureLogin('op-a', 'tab-d1'));
    expect(mqtt).toMatchObject({ username: 'op-a@tab-d1', clientId: 'tab-d1' });
    expect(mqtt.password).not.toBe(token);
    await expect(connect({ ...mqtt, password: token })).rejects.toThrow();
    await expect(connect({ ...mqtt, clientId: 'tab-other' })).rejects.toThrow();
    await expect(connectTo(broker.tcpPort, { clientId: 'anon' }, clients)).rejects.toThrow();
    await expect(connect(mqtt)).resolves.toBeDefined();
  });

  it('serves the tablets over the WebSocket listener with the same session credentials', async () => {
    const { mqtt } = await login(fixtureLogin('op-a', 'tab-ws'));
    const ws = mqttConnect(`ws://127.0.0.1:${broker.wsPort}${mqtt.path}`, { username: mqtt.username, password: mqtt.password, clientId: mqtt.clientId, reconnectPeriod: 0, connectTimeout: 5000 });
    clients.push(ws);
    await new Promise<void>((resolve, reject) => (ws.once('connect', () => resolve()), ws.once('error', reject)));
    expect(await subackCode(ws, `${root}/_ack/tab-ws`)).toBe(1);
    expect(await subackCode(ws, `${lineB}/status`)).toBe(128);
  });

  it('refuses an operator subscribing past its scope: SUBACK 0x80 on MQTT 3.1.1, 0x87 on MQTT 5', async () => {
    const { mqtt } = await login(fixtureLogin('op-a', 'tab-d2'));
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
    const { mqtt } = await login(fixtureLogin('op-b', 'tab-d5'));
    const c = await connect(mqtt);
    const status = nextMessage<{ stationId: string; state: string }>(c, `${lineB}/station/b1/status`);
    expect(await subackCode(c, `${lineB}/station/b1/status`)).toBe(1);
    expect(stationStatusSchema.parse(await status)).toMatchObject({ stationId: 'b1', lineId: 'line-b' });
    expect(await subackCode(c, `${lineA}/station/a1/status`)).toBe(0x87);
    expect(await subackCode(c, `${lineB}/station/+/status`)).toBe(0x87);
  });

  it("delivers the retained station log the service publishes to the station's operator only", async () => {
    const { mqtt } = await login(fixtureLogin('op-b', 'tab-d6'));
    const c = await connect(mqtt);
    const log = nextMessage(c, `${lineB}/station/b1/log`);
    expect(await subackCode(c, `${lineB}/station/b1/log`)).toBe(1);
    expect(stationLogWireSchema.parse(await log)).toMatchObject({ stationId: 'b1', lineId: 'line-b' });
    expect(await subackCode(c, `${lineA}/station/a1/log`)).toBe(0x87);
    expect(await subackCode(c, `${lineA}/station/+/log`)).toBe(0x87);
  });

  it('refuses an operator publishing to line B, a status or an ack topic (PUBACK 135), stores and delivers nothing', async () => {
    const { mqtt } = await login(fixtureLogin('op-a', 'tab-d3'));
    const admin = await login(fixtureLogin('admin', 'watch-1'));
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
    const mgr = await connect((await login(fixtureLogin('mgr', 'dash-d'))).mqtt);
    const gw = await connect((await login(fixtureLogin('gw-a', 'gw-d'))).mqtt);
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

  it("refuses a login with another user's device id, so no second broker client can take over its session", async () => {
    await login(fixtureLogin('mgr', 'dash-dq'));
    const res = await fetch(`http://127.0.0.1:${service.httpPort}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixtureLogin('mgr-pack', 'dash-dq')),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'forbidden', message: 'device "dash-dq" belongs to manager "mgr": sign in on your own device' } });
  });

  it("refuses at ingest what Mosquitto cannot see: an operator's correction on events and its void of a machine counter; a lead corrects on corrections", async () => {
    const gw = await connect((await login(fixtureLogin('gw-a', 'gw-dv'))).mqtt);
    const op = await connect((await login(fixtureLogin('op-a', 'tab-dv'))).mqtt);
    const lead = await connect((await login(fixtureLogin('lead-a', 'tab-dv-lead'))).mqtt);
    const sendAs = async (c: MqttClient, deviceId: string, topic: string, events: Record<string, unknown>[]) => {
      expect(await subackCode(c, `${root}/_ack/${deviceId}`)).toBe(1);
      const ack = nextMessage(c, `${root}/_ack/${deviceId}`, 5000, (a: unknown) => JSON.stringify(a).includes(events[0]!.id as string));
      expect(await pubackCode(c, topic, JSON.stringify({ events }))).toBe(0);
      return ackSchema.parse(await ack);
    };
    const amend = { productId: undefined, good: undefined, reject: undefined };
    const counter = countEvent({ deviceId: 'gw-dv', author: 'gw-a', type: 'machine.counter', total: 50, ...amend });
    expect((await sendAs(gw, 'gw-dv', `${lineA}/station/a1/signals`, [counter])).accepted).toEqual([counter.id]);
    const count = countEvent({ deviceId: 'tab-dv', good: 50 });
    expect((await sendAs(op, 'tab-dv', `${lineA}/station/a1/events`, [count])).accepted).toEqual([count.id]);

    const voidCounter = countEvent({ deviceId: 'tab-dv', type: 'void', voids: counter.id, reason: 'undo', ...amend });
    const raise = countEvent({ deviceId: 'tab-dv', type: 'correction', supersedes: count.id, reason: 'more', replacement: { type: 'count', productId: 'widget', good: 100_000, reject: 0 }, ...amend });
    // Mosquitto cannot check the author either: ingest holds it to a user allowed at the station.
    const foreignAuthor = countEvent({ deviceId: 'tab-dv', author: 'op-b' });
    const ack = await sendAs(op, 'tab-dv', `${lineA}/station/a1/events`, [voidCounter, raise, foreignAuthor]);
    expect(ack.accepted).toEqual([]);
    expect([...ack.rejected].sort((a, b) => a.index - b.index)).toEqual([
      { index: 0, id: voidCounter.id, code: 'not-allowed', message: `"op-a" may only undo their own entries: event "${counter.id}" is by "gw-a" (a lead voids it, on the line's corrections topic)` },
      { index: 1, id: raise.id, code: 'not-allowed', message: "a correction is not allowed on a station's events topic: only a lead or an admin corrects, on the line's corrections topic" },
      { index: 2, id: foreignAuthor.id, code: 'not-allowed', message: 'operator "op-b" may not write events for station "a1"' },
    ]);

    const fix = countEvent({ deviceId: 'tab-dv-lead', author: 'lead-a', type: 'correction', supersedes: count.id, reason: 'recount', replacement: { type: 'count', productId: 'widget', good: 48, reject: 2 }, ...amend });
    expect(await sendAs(lead, 'tab-dv-lead', `${lineA}/corrections`, [fix])).toMatchObject({ accepted: [fix.id], rejected: [] });
  });

  it("delivers nothing of a shared tablet's persistent session that its next user may not read (Mosquitto checks reads at delivery)", async () => {
    // An admin enrols the tablet and follows the site and line B on a persistent session...
    const admin = (await login(fixtureLogin('admin', 'tab-dsq'))).mqtt;
    const setup = await connectTo(broker.tcpPort, { username: admin.username, password: admin.password, clientId: admin.clientId, clean: false, protocolVersion: 4 }, clients);
    for (const t of [`${root}/oee`, `${lineB}/status`, `${lineA}/oee`]) expect(await subackCode(setup, t)).toBe(1);
    setup.end(true);
    await sleep(100);
    // ...messages queue while it is offline...
    const publisher = await connect((await login(fixtureLogin('admin', 'adm-dsq'))).mqtt);
    for (const t of [`${root}/oee`, `${lineB}/status`, `${lineA}/oee`]) expect(await pubackCode(publisher, t, JSON.stringify({ queued: t }))).toBe(0);
    // ...and an operator of line A resumes the session on the tablet.
    const op = (await login(fixtureLogin('op-a', 'tab-dsq'))).mqtt;
    const c = mqttConnect(`mqtt://127.0.0.1:${broker.tcpPort}`, { username: op.username, password: op.password, clientId: op.clientId, clean: false, protocolVersion: 4, reconnectPeriod: 0 });
    clients.push(c);
    const seen = recorder(c);
    expect(await new Promise((resolve, reject) => (c.once('connect', (ack) => resolve(ack.sessionPresent)), c.once('error', reject)))).toBe(true);
    await sleep(500);
    // Line A's OEE (the queued copy, and the service's live ones) only.
    expect([...new Set(seen.topics)]).toEqual([`${lineA}/oee`]);
  });

  it('lets a gateway publish its own connector health (retained), and nobody else, admins included', async () => {
    const gw = await connect((await login(fixtureLogin('gw-a', 'gw-dyn'))).mqtt);
    const admin = await connect((await login(fixtureLogin('admin', 'adm-dyn'))).mqtt);
    expect(await pubackCode(gw, `${root}/_health/gw-other`, '{}')).toBe(135);
    expect(await pubackCode(admin, `${root}/_health/gw-dyn`, '{}')).toBe(135);
    const report = { v: 1, deviceId: 'gw-dyn', at: Date.now(), everySec: 60, connectors: [{ stationId: 'a1', protocol: 'opcua', connected: true, lastValueAt: Date.now(), errorCount: 0, lastError: null }] };
    await gw.publishAsync(`${root}/_health/gw-dyn`, JSON.stringify(report), { qos: 1, retain: true });
    const { token } = await login(fixtureLogin('admin', 'adm-dyn-http'));
    const rows = async () => ((await (await fetch(`http://127.0.0.1:${service.httpPort}/api/connectors`, { headers: { authorization: `Bearer ${token}` } })).json()) as { connectors: { gatewayId: string; connected: boolean }[] }).connectors;
    await expect.poll(rows, { timeout: 5000 }).toEqual([expect.objectContaining({ gatewayId: 'gw-dyn', connected: true })]);
  });

  it("a scope change applied live reaches dynamic security: the operator's old session ends, the new one may publish at the new station and no longer at the old", async () => {
    const adminLogin = await login(fixtureLogin('admin', 'adm-scope'));
    const current = (await (await fetch(`http://127.0.0.1:${service.httpPort}/api/admin/plant`, { headers: { authorization: `Bearer ${adminLogin.token}` } })).json()) as { plant: { users: { id: string; stations?: string[] }[] } };
    const before = await login(fixtureLogin('op-b', 'tab-scope'));
    const old = await connect(before.mqtt);
    expect(await pubackCode(old, `${lineB}/station/b1/events`, JSON.stringify({ events: [countEvent({ deviceId: 'tab-scope', author: 'op-b', lineId: 'line-b', stationId: 'b1' })] }))).toBe(0);
    const closed = new Promise<void>((resolve) => old.once('close', () => resolve()));
    // Otto moves from line B's b1 to line A's a2.
    const plant = { ...current.plant, users: current.plant.users.map((u) => (u.id === 'op-b' ? { ...u, stations: ['a2'] } : u)) };
    const put = await fetch(`http://127.0.0.1:${service.httpPort}/api/admin/plant`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminLogin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ plant, reason: 'Otto moves to line A' }),
    });
    expect(put.status).toBe(200);
    await closed;
    await expect(connect(before.mqtt)).rejects.toThrow();
    const after = await connect((await login({ ...fixtureLogin('op-b', 'tab-scope') })).mqtt);
    expect(await pubackCode(after, `${lineB}/station/b1/events`, JSON.stringify({ events: [countEvent({ deviceId: 'tab-scope', author: 'op-b', lineId: 'line-b', stationId: 'b1' })] }))).toBe(135);
    expect(await pubackCode(after, `${lineA}/station/a2/events`, JSON.stringify({ events: [countEvent({ deviceId: 'tab-scope', author: 'op-b', stationId: 'a2' })] }))).toBe(0);
  });

  it('an operator disabled by an admin is disconnected by Mosquitto at once, and a new session is refused', async () => {
    const session = await login(fixtureLogin('op-b', 'tab-dis'));
    const c = await connect(session.mqtt);
    const closed = new Promise<number>((resolve) => c.once('close', () => resolve(Date.now())));
    const admin = await login(fixtureLogin('admin', 'adm-dis'));
    const t0 = Date.now();
    const res = await fetch(`http://127.0.0.1:${service.httpPort}/api/admin/users/op-b/disabled`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ isDisabled: true, reason: 'left' }),
    });
    expect(res.status).toBe(200);
    expect((await closed) - t0).toBeLessThan(2000);
    // The deleted broker client cannot come back with the credentials it had.
    await expect(connect(session.mqtt)).rejects.toThrow();
  });
});
