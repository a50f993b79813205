import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../../src/server/start-service.ts';
import { configSchema } from '../../../src/server/config.ts';
import { loadGatewayCredentials } from '../../../src/server/sim/sim-credentials.ts';
import { startMosquitto, type MosquittoBroker } from '../../helpers/mosquitto.ts';
import { FIXTURE_PLANT } from '../support/service-harness.ts';

describe('--demo against an external Mosquitto (broker-config --auth acl)', () => {
  let broker: MosquittoBroker;
  let service: Service | undefined;

  beforeAll(async () => {
    broker = await startMosquitto(FIXTURE_PLANT, 'acl', { verbose: true });
  });
  afterAll(async () => {
    await service?.close();
    await broker?.stop();
  });

  it('runs the simulated gateways through the broker with their own accounts, and ingests their signals', async () => {
    const env = broker.serviceEnv;
    service = await startService(
      configSchema.parse({
        port: 0,
        host: '127.0.0.1',
        plantFile: FIXTURE_PLANT,
        dataDir: join(broker.dir, 'service'),
        staticDir: join(broker.dir, 'none'),
        mqttUrl: env.MQTT_URL,
        mqttUsername: env.MQTT_USERNAME,
        mqttPassword: env.MQTT_PASSWORD,
        isDemo: true,
        // Live signals only: a backfill is stored directly, not through the broker.
        demoBackfillDays: 0,
        simCredentialsFile: join(broker.dir, 'credentials.json'),
      }),
      { logger: pino({ level: 'silent' }), hasDefaultMetrics: false, simTickMs: 100 },
    );
    let signals: { deviceId: string; author: string; type: string }[] = [];
    for (let i = 0; i < 100 && signals.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      signals = (await service.storage.listEvents()).events.map((e) => e.event).filter((e) => e.deviceId === 'sim-gw-a');
    }
    expect(signals.length).toBeGreaterThanOrEqual(3);
    expect(signals.every((e) => e.author === 'gw-a' && e.type.startsWith('machine.'))).toBe(true);
    // Least privilege: the broker saw the simulated gateway sign in as the gateway, not as the service.
    expect(broker.log()).toMatch(/as sim-gw-a \([^)]*u'gw-a'\)/);
    expect(broker.log()).not.toMatch(/as sim-gw-a \([^)]*u'_service'\)/);
  });

  it('refuses a credentials file that lacks a gateway, or is not one, naming the problem', async () => {
    const gateways = [{ id: 'gw-a', name: 'A', role: 'gateway', passwordHash: 'x', stations: ['a1'] }] as never;
    const path = join(broker.dir, 'partial.json');
    await writeFile(path, JSON.stringify({ _service: 'secret', 'op-a': 'pw' }));
    await expect(loadGatewayCredentials(path, gateways)).rejects.toMatchObject({
      code: 'invalid-config',
      details: ['SIM_CREDENTIALS_FILE: no password for gateway "gw-a"'],
    });
    await writeFile(path, JSON.stringify({ 'gw-a': '' }));
    await expect(loadGatewayCredentials(path, gateways)).rejects.toMatchObject({ details: [expect.stringMatching(/gw-a.*non-empty password/)] });
    await expect(loadGatewayCredentials(join(broker.dir, 'missing.json'), gateways)).rejects.toMatchObject({ details: [expect.stringMatching(/ENOENT/)] });
  });
});
