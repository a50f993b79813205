import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { ulid } from 'ulid';
import { startService, type Service, type ServiceOverrides } from '../../../src/server/start-service.ts';
import { configSchema, type ConfigInput } from '../../../src/server/config.ts';

export const FIXTURE_PLANT = new URL('../../fixtures/test.plant.json', import.meta.url).pathname;
export const SITE = 'test-site';
/** The scraper token every harness service gets; `http('/metrics')` sends it unless told otherwise. */
export const METRICS_TOKEN = 'test-metrics-token-0123456789abcdef';

export interface Harness {
  service: Service;
  dataDir: string;
  http: (path: string, init?: RequestInit) => Promise<Response>;
  login: (body: Record<string, unknown>) => Promise<{ token: string; user: { id: string } }>;
  /** Connects a real mqtt.js client over TCP (or WebSocket with `ws`); rejects when the broker refuses. */
  connect: (username: string | undefined, password: string | undefined, clientId: string, ws?: boolean) => Promise<MqttClient>;
  /**
   * Stops the service as a clean shutdown does and starts it again on the same data (database,
   * token secret): a real restart. Ports change; clients connected before are ended.
   */
  restart: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * The fixture plant without its shifts' breaks, written into `dataDir`: a machine stopped in the
 * 10:00-10:30 lunch needs no reason, so a test that stops one "an hour ago" would pass or fail by
 * the time of day it runs. A test about breaks passes `plantFile: FIXTURE_PLANT`.
 */
async function fixtureWithoutBreaks(dataDir: string): Promise<string> {
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { calendar: { shifts: { breaks?: unknown }[] } };
  for (const shift of plant.calendar.shifts) delete shift.breaks;
  // Under the fixture's own name: the plant's first version says where it was taken from.
  await mkdir(join(dataDir, 'no-breaks'));
  const file = join(dataDir, 'no-breaks', 'test.plant.json');
  await writeFile(file, JSON.stringify(plant));
  return file;
}

/** Starts a real service on free 127.0.0.1 ports with a fresh SQLite database in a temp dir. */
export async function startHarness(config: ConfigInput = {}, overrides: ServiceOverrides = {}): Promise<Harness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'floorboard-svc-'));
  const plantFile = config.plantFile ?? (await fixtureWithoutBreaks(dataDir));
  const start = () =>
    startService(
      configSchema.parse({ port: 0, mqttTcpPort: 0, host: '127.0.0.1', plantFile, dataDir, staticDir: join(dataDir, 'no-dist'), metricsToken: METRICS_TOKEN, ...config }),
      { logger: pino({ level: 'silent' }), hasDefaultMetrics: false, ...overrides },
    );
  let service = await start();
  const clients: MqttClient[] = [];
  let base = `http://127.0.0.1:${service.httpPort}`;
  // A scraper's view of /metrics by default; pass any authorization header (or '') to test access.
  const http = (path: string, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    if (path === '/metrics' && !headers.has('authorization')) headers.set('authorization', `Bearer ${METRICS_TOKEN}`);
    return fetch(`${base}${path}`, { ...init, headers });
  };
  return {
    get service() {
      return service;
    },
    dataDir,
    http,
    async login(body) {
      const res = await http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      return (await res.json()) as { token: string; user: { id: string } };
    },
    connect(username, password, clientId, ws = false) {
      const url = ws ? `ws://127.0.0.1:${service.httpPort}/mqtt` : `mqtt://127.0.0.1:${service.mqttPort}`;
      const client = mqtt.connect(url, { clientId, reconnectPeriod: 0, connectTimeout: 5000, ...(username ? { username } : {}), ...(password ? { password } : {}) });
      clients.push(client);
      return new Promise((resolve, reject) => {
        client.once('connect', () => resolve(client));
        client.once('error', reject);
        client.once('close', () => reject(new Error('connection closed')));
      });
    },
    async restart() {
      for (const c of clients.splice(0)) c.end(true);
      await service.close();
      service = await start();
      base = `http://127.0.0.1:${service.httpPort}`;
    },
    async close() {
      for (const c of clients) c.end(true);
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A token signed with the service's own secret, as login would issue it but with any claims (for hostile tests). */
export async function signToken(dataDir: string, claims: { sub: string; role: string; did: string }, expiresAtMs: number): Promise<string> {
  const secret = (await readFile(join(dataDir, 'secret'), 'utf8')).trim();
  return new SignJWT({ role: claims.role, did: claims.did })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt(Math.floor(Date.now() / 1000))
    .setExpirationTime(Math.floor(expiresAtMs / 1000))
    .sign(new TextEncoder().encode(secret));
}

let seq = 0;
/** A valid operator event for station a1 on line-a (author op-a, device tab-1). */
export function countEvent(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { v: 1, id: ulid(), deviceId: 'tab-1', seq: seq++, ts: Date.now(), author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'count', productId: 'widget', good: 5, reject: 1, ...over };
}

export const topicA1 = `floorboard/v1/${SITE}/assembly/line-a/station/a1/events`;

/** Resolves true when the broker drops the connection after this publish (how Aedes refuses one). */
export function publishIsRefused(client: MqttClient, topic: string, payload: string): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 1500);
    client.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    client.publish(topic, payload, { qos: 1 });
  });
}

/** Waits for the next message on a topic that passes `accept` (the client must be subscribed). */
export function nextMessage<T = unknown>(client: MqttClient, topic: string, timeoutMs = 5000, accept: (value: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message on ${topic} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (t: string, payload: Buffer) => {
      if (t !== topic) return;
      const value = JSON.parse(payload.toString('utf8')) as T;
      if (!accept(value)) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(value);
    };
    client.on('message', onMessage);
  });
}

/** Subscribes and resolves the granted QoS: 1, or 128 when the broker refuses (mqtt.js reports that as an error). */
export function subscribe(client: MqttClient, filter: string): Promise<number> {
  return new Promise((resolve, reject) =>
    client.subscribe(filter, { qos: 1 }, (error, granted) => {
      if (error?.name === 'ErrorWithSubackPacket') return resolve(128);
      if (error) return reject(error);
      resolve(granted?.[0]?.qos ?? -1);
    }),
  );
}

export function publish(client: MqttClient, topic: string, payload: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => client.publish(topic, payload, { qos: 1 }, (error) => (error ? reject(error) : resolve())));
}

/** Publishes one batch and waits for the service's ack after its commit (the client must read its ack topic). */
export async function sendBatch(c: MqttClient, deviceId: string, topic: string, events: Record<string, unknown>[]): Promise<{ accepted: string[]; rejected: unknown[] }> {
  const ack = nextMessage<{ accepted: string[]; rejected: unknown[] }>(c, `floorboard/v1/${SITE}/_ack/${deviceId}`);
  await publish(c, topic, JSON.stringify({ events }));
  return ack;
}

/** Signs each one in; their tokens and ready `authorization` headers, by the same names. */
/** The fixture plant's people (test/fixtures/test.plant.json) and how each signs in. */
const FIXTURE_CREDENTIALS = {
  'op-a': { kind: 'badge', badge: '1001', pin: '1234' },
  'op-b': { kind: 'badge', badge: '1002', pin: '2345' },
  'lead-a': { kind: 'password', userId: 'lead-a', password: 'lead-pass' },
  mgr: { kind: 'password', userId: 'mgr', password: 'mgr-pass' },
  'mgr-pack': { kind: 'password', userId: 'mgr-pack', password: 'mgr-pass' },
  admin: { kind: 'password', userId: 'admin', password: 'admin-pass' },
  'gw-a': { kind: 'password', userId: 'gw-a', password: 'gw-pass' },
  import: { kind: 'password', userId: 'import', password: 'import-pass' },
} as const;
export type FixtureUser = keyof typeof FIXTURE_CREDENTIALS;

/** The login body of a fixture user on `deviceId`. */
export const fixtureLogin = (user: FixtureUser, deviceId: string) => ({ ...FIXTURE_CREDENTIALS[user], deviceId });

export async function loginAll<K extends string>(h: Harness, logins: Record<K, Record<string, unknown>>) {
  const tokens = {} as Record<K, string>;
  const auth = {} as Record<K, { authorization: string }>;
  for (const [who, body] of Object.entries(logins) as [K, Record<string, unknown>][]) {
    tokens[who] = (await h.login(body)).token;
    auth[who] = { authorization: `Bearer ${tokens[who]}` };
  }
  return { tokens, auth };
}
