import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { ackSchema, type Ack } from '../../../src/core/events.schema.ts';
import { startService, type Service } from '../../../src/server/start-service.ts';
import { configSchema } from '../../../src/server/config.ts';
import { startMosquitto, type MosquittoBroker } from '../../helpers/mosquitto.ts';
import { FIXTURE_PLANT, SITE, startHarness, subscribe, type Harness, fixtureLogin } from './service-harness.ts';

export type BrokerKind = 'embedded' | 'mosquitto';

/** A real service behind a real broker, with one operator tablet (op-a on `tab-1`) that collects its acks. */
export interface IngestRig {
  service: Service;
  tablet: MqttClient;
  /** Every ack the tablet received so far, in order. */
  acks: Ack[];
  /** GET on the service's HTTP port. */
  http: (path: string) => Promise<Response>;
  /** Waits until every id is listed as accepted in some ack; rejects after `timeoutMs` naming how many are missing. */
  waitAccepted: (ids: readonly string[], timeoutMs?: number) => Promise<void>;
  close: () => Promise<void>;
}

export const ackTopicOf = (deviceId: string) => `floorboard/v1/${SITE}/_ack/${deviceId}`;

/** Starts the service with the embedded broker or behind a real Mosquitto (`broker-config --auth acl`). */
export async function startIngestRig(kind: BrokerKind, config: Record<string, unknown> = {}): Promise<IngestRig> {
  let harness: Harness | undefined;
  let broker: MosquittoBroker | undefined;
  let service: Service;
  let tablet: MqttClient;
  if (kind === 'embedded') {
    harness = await startHarness(config);
    service = harness.service;
    const { token } = await harness.login(fixtureLogin('op-a', 'tab-1'));
    tablet = await harness.connect('op-a', token, 'tab-1');
  } else {
    broker = await startMosquitto(FIXTURE_PLANT, 'acl');
    const env = broker.serviceEnv;
    service = await startService(
      configSchema.parse({ port: 0, host: '127.0.0.1', plantFile: FIXTURE_PLANT, dataDir: join(broker.dir, 'service'), staticDir: join(broker.dir, 'none'), mqttUrl: env.MQTT_URL, mqttUsername: env.MQTT_USERNAME, mqttPassword: env.MQTT_PASSWORD, ...config }),
      { logger: pino({ level: 'silent' }), hasDefaultMetrics: false },
    );
    const url = `mqtt://127.0.0.1:${broker.tcpPort}`;
    tablet = await new Promise<MqttClient>((resolve, reject) => {
      const c = mqtt.connect(url, { clientId: 'tab-1', username: 'op-a', password: broker!.credentials['op-a'], reconnectPeriod: 0, connectTimeout: 5000 });
      c.once('connect', () => resolve(c));
      c.once('error', reject);
    });
  }
  const acks: Ack[] = [];
  tablet.on('message', (topic, payload) => {
    if (topic === ackTopicOf('tab-1')) acks.push(ackSchema.parse(JSON.parse(payload.toString('utf8'))));
  });
  if ((await subscribe(tablet, ackTopicOf('tab-1'))) !== 1) throw new Error('the tablet may not read its own acks');
  const http = (path: string) => fetch(`http://127.0.0.1:${service.httpPort}${path}`);
  return {
    service,
    tablet,
    acks,
    http,
    async waitAccepted(ids, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const accepted = new Set(acks.flatMap((a) => a.accepted));
        const missing = ids.filter((id) => !accepted.has(id));
        if (missing.length === 0) return;
        if (Date.now() > deadline) throw new Error(`${missing.length} of ${ids.length} events not acked within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      tablet.end(true);
      if (harness) await harness.close();
      else {
        await service.close();
        await broker?.stop();
      }
    },
  };
}
