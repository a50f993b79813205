import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { ulid } from 'ulid';
import { topics } from '../../src/core/topics.ts';
import { hashSecret } from '../../src/server/auth/secrets.ts';
import { startCentral, type CentralService } from '../../src/server/central/start-central.ts';
import { configSchema } from '../../src/server/config.ts';
import { startService, type Service } from '../../src/server/start-service.ts';
import { startCentralMosquitto, startMosquitto, type CentralMosquitto, type MosquittoBroker } from './mosquitto.ts';

const FIXTURE_PLANT = new URL('../fixtures/test.plant.json', import.meta.url).pathname;
export const SITE_A = 'test-site';
export const SITE_B = 'site-b';
/** The central file's people: an admin who sees every site, a manager of site A only. */
export const CENTRAL_USERS = { boss: 'boss-pass-123', 'mgr-north': 'north-pass-123' } as const;

export interface ManySites {
  central: CentralMosquitto;
  sites: Map<string, { broker: MosquittoBroker; service: Service; gateway: MqttClient }>;
  centre: CentralService;
  /** Ids sent per site. */
  sent: Map<string, string[]>;
  /** One batch at each site, as station a1's gateway sends it: the machine's count (`parts` more; 3 by default) and a heartbeat. */
  tick(parts?: number): Promise<void>;
  /** Stops the central service and starts it again with the same configuration (the central broker keeps its session). */
  restartCentre(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Issue 16, many sites, with real processes on loopback: two sites, each with its own Mosquitto
 * (bridged to the centre, from broker-config --bridge-to) and service; the central Mosquitto (from
 * broker-config --central) and the central service.
 */
export async function startManySites(o: { staticDir?: string; /** The centre's PostgreSQL (a schema per site); SQLite under its data directory without. */ centreDatabaseUrl?: string } = {}): Promise<ManySites> {
  const dir = await mkdtemp(join(tmpdir(), 'fb-many-sites-'));
  const plantB = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { site: { id: string; name: string } };
  plantB.site = { id: SITE_B, name: 'Werk Süd' };
  const plantBFile = join(dir, 'site-b.plant.json');
  await writeFile(plantBFile, JSON.stringify(plantB));
  const centralFile = join(dir, 'central.yaml');
  await writeFile(
    centralFile,
    [
      'schemaVersion: 1',
      'name: Acme Werke',
      'sites:',
      `  - { id: ${SITE_A}, name: Werk Nord }`,
      `  - { id: ${SITE_B}, name: Werk Süd }`,
      'users:',
      `  - { id: boss, name: Chefin, role: admin, passwordHash: "${await hashSecret(CENTRAL_USERS.boss)}" }`,
      `  - { id: mgr-north, name: Nord Manager, role: manager, sites: [${SITE_A}], passwordHash: "${await hashSecret(CENTRAL_USERS['mgr-north'])}" }`,
      '',
    ].join('\n'),
  );
  const staticDir = o.staticDir ?? join(dir, 'none');
  const central = await startCentralMosquitto(centralFile);
  const sites: ManySites['sites'] = new Map();
  for (const [site, plantFile] of [[SITE_A, FIXTURE_PLANT], [SITE_B, plantBFile]] as const) {
    const user = `bridge-${site}`;
    const broker = await startMosquitto(plantFile, 'acl', { bridge: { url: central.url, username: user, password: central.credentials[user]! } });
    const env = broker.serviceEnv;
    const service = await startService(
      configSchema.parse({ port: 0, host: '127.0.0.1', plantFile, dataDir: join(dir, site), staticDir, mqttUrl: env.MQTT_URL, mqttUsername: env.MQTT_USERNAME, mqttPassword: env.MQTT_PASSWORD, oeeIntervalMs: 500 }),
      { logger: pino({ level: 'silent' }), hasDefaultMetrics: false },
    );
    const gateway = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.tcpPort}`, { clientId: `gw-${site}`, username: 'gw-a', password: broker.credentials['gw-a'], reconnectPeriod: 0 });
    sites.set(site, { broker, service, gateway });
  }
  const env = central.serviceEnv;
  const centreConfig = configSchema.parse({ port: 0, host: '127.0.0.1', centralFile: env.CENTRAL_FILE, dataDir: join(dir, 'centre'), staticDir, mqttUrl: env.MQTT_URL, mqttUsername: env.MQTT_USERNAME, mqttPassword: env.MQTT_PASSWORD, databaseUrl: o.centreDatabaseUrl });
  const centre = await startCentral(centreConfig, { logger: pino({ level: 'silent' }) });
  const sent = new Map<string, string[]>([[SITE_A, []], [SITE_B, []]]);
  let seq = 0;
  let total = 0;
  const rig: ManySites = {
    central,
    sites,
    centre,
    sent,
    async restartCentre() {
      await rig.centre.close();
      rig.centre = await startCentral(centreConfig, { logger: pino({ level: 'silent' }) });
    },
    async tick(parts = 3) {
      for (const [site, s] of sites) {
        total += parts;
        const base = { v: 1, deviceId: `gw-${site}`, ts: Date.now(), author: 'gw-a', lineId: 'line-a', stationId: 'a1' };
        const events = [
          { ...base, id: ulid(), seq: seq++, type: 'machine.counter', total, rejectTotal: 0 },
          { ...base, id: ulid(), seq: seq++, type: 'machine.heartbeat' },
        ];
        await s.gateway.publishAsync(topics.signals({ site, area: 'assembly', line: 'line-a', station: 'a1' }), JSON.stringify({ events }), { qos: 1 });
        sent.get(site)!.push(...events.map((e) => e.id));
      }
    },
    async close() {
      await rig.centre.close();
      for (const s of sites.values()) {
        s.gateway.end(true);
        await s.service.close();
        await s.broker.stop();
      }
      await central.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return rig;
}
