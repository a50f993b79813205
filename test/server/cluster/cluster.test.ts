import mqtt, { type MqttClient } from 'mqtt';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { ackSchema, topics } from '../../../src/core/index.ts';
import type { StationStatus } from '../../../src/core/live.schema.ts';
import { configSchema } from '../../../src/server/config.ts';
import { startService, type Service } from '../../../src/server/start-service.ts';
import { startMosquitto, type MosquittoBroker } from '../../helpers/mosquitto.ts';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { fixtureLogin, METRICS_TOKEN, SITE } from '../support/service-harness.ts';
import { andonPlant, WEBHOOK_SECRET, WEBHOOK_SECRET_ENV } from '../andon/andon-rig.ts';

const A1 = { site: SITE, area: 'assembly', line: 'line-a', station: 'a1' };
const TOKEN_SECRET = 'cluster-test-token-secret-0123456789abcdef';

/** Waits until `check` returns a value (not undefined), polling. */
async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('several instances as one service: shared ingest on Mosquitto, one leader on PostgreSQL (issue 16)', () => {
  let pg: TestPostgres;
  let broker: MosquittoBroker;
  let databaseUrl: string;
  /** The test plant with an operator's call button (andon), its calls answered by the line's lead. */
  let plantFile: string;
  const dirs: string[] = [];
  const services = new Map<string, Service>();
  const clients: MqttClient[] = [];

  async function instance(id: string): Promise<Service> {
    const dataDir = await mkdtemp(join(tmpdir(), `fb-cluster-${id}-`));
    dirs.push(dataDir);
    const { MQTT_URL, MQTT_WS_URL, MQTT_USERNAME, MQTT_PASSWORD } = broker.serviceEnv;
    const config = configSchema.parse({
      mqttWsUrl: MQTT_WS_URL,
      port: 0, host: '127.0.0.1', plantFile, dataDir, staticDir: join(dataDir, 'no-dist'), metricsToken: METRICS_TOKEN,
      mqttUrl: MQTT_URL, mqttUsername: MQTT_USERNAME, mqttPassword: MQTT_PASSWORD, databaseUrl, tokenSecret: TOKEN_SECRET,
      clusterGroup: 'plant', instanceId: id, oeeIntervalMs: 500,
    });
    // Short lockout limits: the shared guard is what the first test looks at.
    const guardLimits = { freeFailures: 10, baseDelayMs: 1, maxDelayMs: 1, lockoutFailures: 4, lockoutMs: 60_000, forgetAfterMs: 3600_000 };
    const service = await startService(config, { logger: pino({ level: 'silent' }), hasDefaultMetrics: false, guardLimits, instanceClaimWaitMs: 1500 });
    services.set(id, service);
    return service;
  }
  const http = (s: Service, path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${s.httpPort}${path}`, init);
  const login = async (s: Service, body: Record<string, unknown>) => {
    const res = await http(s, '/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as { token: string; mqtt: { username: string; password: string; clientId: string } };
  };
  /** As the app does: MQTT over WebSocket at /mqtt on the instance that served it (carried to the broker), or straight to the broker. */
  const connect = (creds: { username: string; password: string; clientId: string }, via?: Service) =>
    new Promise<MqttClient>((resolve, reject) => {
      const url = via ? `ws://127.0.0.1:${via.httpPort}/mqtt` : `mqtt://127.0.0.1:${broker.tcpPort}`;
      const c = mqtt.connect(url, { ...creds, reconnectPeriod: 0, connectTimeout: 5000 });
      clients.push(c);
      c.once('connect', () => resolve(c));
      c.once('error', reject);
    });
  const ingested = async (s: Service) => (await s.metrics.registry.getSingleMetric('floorboard_events_ingested_total')?.get())?.values.reduce((n, v) => n + v.value, 0) ?? 0;

  beforeAll(async () => {
    pg = await startTestPostgres();
    databaseUrl = await pg.createDatabase();
    process.env[WEBHOOK_SECRET_ENV] = WEBHOOK_SECRET;
    // No receiver: the webhook's tries fail and are logged, which this test does not look at.
    const plant = await andonPlant([{ id: 'help', trigger: { kind: 'button' }, call: 'lead', acknowledgedBy: ['operator', 'lead'], escalation: [{ afterSec: 0, notify: ['lead'] }] }], 'http://127.0.0.1:9/hook');
    dirs.push(plant.dir);
    plantFile = plant.file;
    broker = await startMosquitto(plantFile, 'dynsec');
    // The plant ran as a single service before: its kept session is on the broker, queueing ingest.
    const single = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.tcpPort}`, { clientId: 'floorboard-service', username: broker.serviceEnv.MQTT_USERNAME!, password: broker.serviceEnv.MQTT_PASSWORD!, clean: false, protocolVersion: 4, reconnectPeriod: 0 });
    await single.subscribeAsync(topics.ingestFilters(SITE)[0]!, { qos: 1 });
    await single.endAsync();
    await instance('a');
    await instance('b');
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.end(true);
    for (const s of services.values()) await s.close();
    await broker?.stop();
    await pg?.stop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("counts a guesser's failed logins across the instances: a lockout on one is a lockout on all", async () => {
    const a = services.get('a')!;
    const b = services.get('b')!;
    const attempt = (s: Service, password: string) =>
      http(s, '/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'password', userId: 'mgr', password, deviceId: 'guesser' }) });
    // Four wrong passwords, two on each instance: the fourth locks the user out everywhere.
    for (const s of [a, b, a, b]) expect((await attempt(s, 'wrong-guess')).status).toBe(401);
    for (const s of [a, b]) expect((await attempt(s, 'wrong-guess')).status).toBe(423);
    // Even the right password waits out the lockout, on either instance.
    expect((await attempt(b, 'mgr-pass')).status).toBe(423);
  });

  it('ends the MQTT session the single service kept on the broker, which nobody would read again', async () => {
    const opts = { clientId: 'floorboard-service', username: broker.serviceEnv.MQTT_USERNAME!, password: broker.serviceEnv.MQTT_PASSWORD!, protocolVersion: 4 as const, reconnectPeriod: 0 };
    const wasKept = await new Promise<boolean>((resolve, reject) => {
      const c = mqtt.connect(`mqtt://127.0.0.1:${broker.tcpPort}`, { ...opts, clean: false });
      c.once('connect', (ack) => c.end(false, {}, () => resolve(ack.sessionPresent)));
      c.once('error', reject);
    });
    // Leave no session behind either.
    await (await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.tcpPort}`, { ...opts, clean: true })).endAsync();
    expect(wasKept).toBe(false);
  });

  it('refuses to start a second instance with the id of a running one, before it can take the first one\'s MQTT connection', async () => {
    await expect(instance('a')).rejects.toThrow(/INSTANCE_ID "a" is in use by another running instance of cluster group "plant"/);
    const health = (await (await http(services.get('a')!, '/healthz')).json()) as { isMqttConnected: boolean };
    expect(health.isMqttConnected).toBe(true);
  });

  it('shares the ingest, feeds one leader with every commit, follows plant versions and revocations, and fails over with higher versions', async () => {
    const a = services.get('a')!;
    const b = services.get('b')!;
    // The first to start leads; the other follows.
    expect(a.leaderEpoch()).not.toBeNull();
    expect(b.leaderEpoch()).toBeNull();
    const firstEpoch = a.leaderEpoch()!;

    // A tablet signed in on the follower; a lead watches station a1.
    const tablet = await login(b, fixtureLogin('op-a', 'tab-cl'));
    const tc = await connect(tablet.mqtt, b);
    const ackTopic = topics.ack(SITE, 'tab-cl');
    const acked = new Set<string>();
    tc.on('message', (topic, payload) => {
      if (topic === ackTopic) for (const id of ackSchema.parse(JSON.parse(payload.toString())).accepted) acked.add(id);
    });
    await new Promise<void>((r) => tc.subscribe(ackTopic, { qos: 1 }, () => r()));
    const lead = await login(a, fixtureLogin('lead-a', 'lead-cl'));
    const lc = await connect(lead.mqtt);
    const statuses: StationStatus[] = [];
    // The leader's other retained messages, the line's open calls and the station's log, carry its version too.
    const retained: { andon: { version?: number; calls: { id: string }[] }[]; log: { version?: number }[] } = { andon: [], log: [] };
    lc.on('message', (topic, payload) => {
      if (topic === topics.stationStatus(A1)) statuses.push(JSON.parse(payload.toString()) as StationStatus);
      if (topic === topics.lineAndon(A1)) retained.andon.push(JSON.parse(payload.toString()) as (typeof retained.andon)[number]);
      if (topic === topics.stationLog(A1)) retained.log.push(JSON.parse(payload.toString()) as (typeof retained.log)[number]);
    });
    await new Promise<void>((r) => lc.subscribe([topics.stationStatus(A1), topics.lineAndon(A1), topics.stationLog(A1)], { qos: 1 }, (error, granted) => {
      expect(error ?? null).toBeNull();
      expect(granted?.every((g) => g.qos < 128)).toBe(true);
      r();
    }));

    // 60 messages of one part each: the broker shares them between the instances.
    const before = { a: await ingested(a), b: await ingested(b) };
    const ids: string[] = [];
    for (let seq = 0; seq < 60; seq++) {
      const id = ulid();
      ids.push(id);
      tc.publish(topics.events(A1), JSON.stringify({ events: [{ v: 1, id, deviceId: 'tab-cl', seq, ts: Date.now(), author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'count', productId: 'widget', good: 1, reject: 0 }] }), { qos: 1 });
    }
    await until('every part acked', () => (ids.every((id) => acked.has(id)) ? true : undefined));
    const byA = (await ingested(a)) - before.a;
    const byB = (await ingested(b)) - before.b;
    expect(byA + byB).toBe(60);
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    // The leader's live status holds all 60, the follower's commits too, and carries the leader's version.
    const full = await until('the leader to show all 60 parts', () => statuses.find((s) => s.seen?.['tab-cl']?.upTo === 59));
    expect(full.version).toBeGreaterThanOrEqual(firstEpoch * 2 ** 32);
    expect(Math.floor(full.version! / 2 ** 32)).toBe(firstEpoch);

    // The operator calls the lead (through the follower's ingest); the lead answers on the follower's
    // API, which answers with the call as it now stands, not as it stood before the answer.
    const callId = ulid();
    tc.publish(topics.events(A1), JSON.stringify({ events: [{ v: 1, id: callId, deviceId: 'tab-cl', seq: 60, ts: Date.now(), author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'andon.raise', kind: 'lead', trigger: 'button', cause: 'button|tab-cl|1' }] }), { qos: 1 });
    const leadOnB = await login(b, fixtureLogin('lead-a', 'lead-cl-b'));
    await until('the follower to know the call', async () => {
      const res = (await (await http(b, '/api/andon/calls', { headers: { authorization: `Bearer ${leadOnB.token}` } })).json()) as { calls: { id: string }[] };
      return res.calls.some((c) => c.id === callId) ? true : undefined;
    });
    const raised = await until('the line\'s open calls with the call', () => retained.andon.find((m) => m.calls.some((c) => c.id === callId)));
    expect(Math.floor(raised.version! / 2 ** 32)).toBe(firstEpoch);
    expect(retained.log.length).toBeGreaterThan(0);
    expect(retained.log.every((m) => Math.floor(m.version! / 2 ** 32) === firstEpoch)).toBe(true);
    const ack = await http(b, `/api/andon/calls/${callId}/ack`, { method: 'POST', headers: { authorization: `Bearer ${leadOnB.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ from: 'board' }) });
    expect(ack.status, await ack.clone().text()).toBe(200);
    expect(((await ack.json()) as { ack: { by: string } | null }).ack).not.toBeNull();

    // A plant version applied through the follower: the leader runs on it and tells screens.
    const admin = await login(b, fixtureLogin('admin', 'admin-cl'));
    const current = (await (await http(b, '/api/admin/plant', { headers: { authorization: `Bearer ${admin.token}` } })).json()) as { version: number; plant: { site: { id: string; name: string } } };
    const put = await http(b, '/api/admin/plant', {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ plant: { ...current.plant, site: { ...current.plant.site, name: 'Renamed site' } }, reason: 'cluster test', baseVersion: current.version }),
    });
    expect(put.status, await put.clone().text()).toBe(200);
    const adminOnA = await login(a, fixtureLogin('admin', 'admin-cl-a'));
    await until('the leader to follow the version', async () => {
      const res = (await (await http(a, '/api/admin/plant', { headers: { authorization: `Bearer ${adminOnA.token}` } })).json()) as { version: number };
      return res.version === current.version + 1 ? true : undefined;
    });

    // A device revoked through the leader: the follower refuses its token too.
    expect((await http(b, '/api/plant', { headers: { authorization: `Bearer ${tablet.token}` } })).status).toBe(200);
    const revoke = await http(a, '/api/devices/tab-cl/revoke', { method: 'POST', headers: { authorization: `Bearer ${adminOnA.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'lost' }) });
    expect(revoke.status).toBe(200);
    await until('the follower to refuse the revoked token', async () => ((await http(b, '/api/plant', { headers: { authorization: `Bearer ${tablet.token}` } })).status === 403 ? true : undefined));

    // The leader stops: the follower takes over, loads from storage, and publishes with higher versions.
    const lastVersion = Math.max(...statuses.map((s) => s.version ?? 0), ...retained.andon.map((m) => m.version ?? 0), ...retained.log.map((m) => m.version ?? 0));
    statuses.length = 0;
    retained.andon.length = 0;
    retained.log.length = 0;
    await a.close();
    services.delete('a');
    await until('the follower to lead', () => (b.leaderEpoch() !== null ? true : undefined));
    expect(b.leaderEpoch()).toBeGreaterThan(firstEpoch);
    const next = await until('a status from the new leader', () => statuses.find((s) => (s.version ?? 0) > lastVersion));
    expect(Math.floor(next.version! / 2 ** 32)).toBe(b.leaderEpoch());
    // Its open calls and station logs, republished as it starts to lead, are above every earlier publish.
    const calls = await until('the open calls from the new leader', () => retained.andon.find((m) => (m.version ?? 0) > lastVersion));
    expect(calls.calls.map((c) => c.id)).toContain(callId);
    const log = await until('a station log from the new leader', () => retained.log.find((m) => (m.version ?? 0) > lastVersion));
    expect(Math.floor(log.version! / 2 ** 32)).toBe(b.leaderEpoch());
    // Rebuilt from the database: the same 60 parts, and the call after them.
    expect(next.seen?.['tab-cl']?.upTo).toBe(60);
  }, 90_000);
});
