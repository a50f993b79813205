import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { ackSchema } from '../../src/core/events.schema.ts';
import { startService, type Service } from '../../src/server/app.ts';
import { configSchema } from '../../src/server/config.ts';
import { countEvent, FIXTURE_PLANT, nextMessage, publish, SITE, subscribe } from './service-harness.ts';

const MOSQUITTO = '/usr/sbin/mosquitto';
const root = `floorboard/v1/${SITE}`;
const lineA = `${root}/assembly/line-a`;
const lineB = `${root}/assembly/line-b`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const isOpen = await new Promise<boolean>((resolve) => {
      const s = createConnection(port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (isOpen) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port}`);
}

// The files themselves are checked in test/server/mosquitto/broker-config-cli.test.ts; this is the
// whole service (ingest, acks, scopes) through Mosquitto.
describe('the service through an external Mosquitto configured by `floorboard broker-config --auth acl`', () => {
  let dir: string;
  let broker: ChildProcess;
  let service: Service;
  let tcpPort: number;
  /** The per-user MQTT passwords the acl mode wrote (credentials.json). */
  let passwords: Record<string, string>;
  const clients: MqttClient[] = [];

  const connect = (username: string | undefined, password: string | undefined, clientId: string) =>
    new Promise<MqttClient>((resolve, reject) => {
      const c = mqtt.connect(`mqtt://127.0.0.1:${tcpPort}`, { clientId, reconnectPeriod: 0, connectTimeout: 5000, ...(username ? { username } : {}), ...(password ? { password } : {}) });
      clients.push(c);
      c.once('connect', () => resolve(c));
      c.once('error', reject);
    });
  const credentialsOf = (userId: string, deviceId: string) => ({ username: userId, password: passwords[userId]!, clientId: deviceId });
  const storedIds = async () => new Set((await service.storage.listEvents()).events.map((e) => e.event.id));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'floorboard-mosq-'));
    tcpPort = await freePort();
    const wsPort = await freePort();
    let out = '';
    let err = '';
    const code = await runCli(['broker-config', '--plant', FIXTURE_PLANT, '--out', join(dir, 'broker'), '--auth', 'acl', '--tcp-port', String(tcpPort), '--ws-port', String(wsPort)], {
      out: (t) => (out += t),
      err: (t) => (err += t),
      cwd: dir,
    });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('mosquitto.conf');
    // Tests run as root in CI containers; Mosquitto would switch to an unprivileged user that cannot read the temp dir.
    if (process.getuid?.() === 0) await appendFile(join(dir, 'broker', 'mosquitto.conf'), 'user root\n');
    broker = spawn(MOSQUITTO, ['-c', join(dir, 'broker', 'mosquitto.conf')], { stdio: 'ignore' });
    await waitForPort(tcpPort);
    passwords = JSON.parse(await readFile(join(dir, 'broker', 'credentials.json'), 'utf8')) as Record<string, string>;
    const env = Object.fromEntries((await readFile(join(dir, 'broker', 'service.env'), 'utf8')).trim().split('\n').map((l) => l.split(/=(.*)/s, 2) as [string, string]));
    service = await startService(
      configSchema.parse({ port: 0, host: '127.0.0.1', plantFile: FIXTURE_PLANT, dataDir: join(dir, 'data'), staticDir: join(dir, 'none'), mqttUrl: env.MQTT_URL, mqttUsername: env.MQTT_USERNAME, mqttPassword: env.MQTT_PASSWORD }),
      { logger: pino({ level: 'silent' }), hasDefaultMetrics: false },
    );
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await service?.close();
    broker?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('ingests through Mosquitto and acks after the commit; the operator stays inside its scope', async () => {
    const creds = credentialsOf('op-a', 'tab-m');
    const c = await connect(creds.username, creds.password, creds.clientId);
    const ackTopic = `${root}/_ack/tab-m`;
    expect(await subscribe(c, ackTopic)).toBe(1);
    // Mosquitto grants the SUBACK but delivers only what the ACL lets the user read: the service's
    // retained status of line A arrives, line B's never does.
    const seen: string[] = [];
    c.on('message', (t) => seen.push(t));
    await subscribe(c, `${lineB}/status`);
    await subscribe(c, `${root}/+/+/oee`);
    const statusA = nextMessage(c, `${lineA}/status`);
    await subscribe(c, `${lineA}/status`);
    await statusA;
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.filter((t) => t.includes('line-b') || t.includes('line-c'))).toEqual([]);

    // Denied publishes are dropped silently by Mosquitto (MQTT 3.1.1); the valid one after them is acked.
    const forbidden = countEvent({ deviceId: 'tab-m', lineId: 'line-b', stationId: 'b1' });
    await publish(c, `${lineB}/station/b1/events`, JSON.stringify({ events: [forbidden] }));
    await publish(c, `${lineA}/status`, JSON.stringify({ state: 'running' }));
    const valid = countEvent({ deviceId: 'tab-m' });
    const ack = nextMessage(c, ackTopic);
    await publish(c, `${lineA}/station/a1/events`, JSON.stringify({ events: [valid] }));
    expect(ackSchema.parse(await ack).accepted).toEqual([valid.id]);
    const ids = await storedIds();
    expect(ids.has(valid.id as string)).toBe(true);
    expect(ids.has(forbidden.id as string)).toBe(false);
  });

  it('refuses anonymous clients and wrong passwords; managers and gateways cannot inject events', async () => {
    await expect(connect(undefined, undefined, 'anon')).rejects.toThrow();
    await expect(connect('op-a', 'wrong', 'tab-x')).rejects.toThrow();
    const mgr = credentialsOf('mgr', 'dash-m');
    const gw = credentialsOf('gw-a', 'gw-m');
    const m = await connect(mgr.username, mgr.password, mgr.clientId);
    const g = await connect(gw.username, gw.password, gw.clientId);
    expect(await subscribe(m, `${lineB}/oee`)).toBe(1);
    const byManager = countEvent({ deviceId: 'dash-m' });
    const byGateway = countEvent({ deviceId: 'gw-m', author: 'gw-a' });
    await publish(m, `${lineA}/station/a1/events`, JSON.stringify({ events: [byManager] }));
    await publish(g, `${lineA}/station/a1/events`, JSON.stringify({ events: [byGateway] }));
    // A message the gateway may send, to know the broker has passed everything before it.
    await subscribe(g, `${root}/_ack/gw-m`);
    const ack = nextMessage(g, `${root}/_ack/gw-m`);
    await publish(g, `${lineA}/station/a1/signals`, JSON.stringify({ events: [countEvent({ deviceId: 'gw-m', author: 'gw-a', type: 'machine.state', state: 'running' })] }));
    await ack;
    const ids = await storedIds();
    expect(ids.has(byManager.id as string)).toBe(false);
    expect(ids.has(byGateway.id as string)).toBe(false);
  });
});
