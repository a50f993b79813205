import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startService, type Service } from '../../../src/server/app.ts';
import { configSchema } from '../../../src/server/config.ts';
import type { StoredEvent } from '../../../src/server/storage/storage.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURE_PLANT = join(root, 'test/fixtures/test.plant.json');

/**
 * The real plant service (HTTP + MQTT over WebSocket + SQLite) serving the built PWA from dist/,
 * on one 127.0.0.1 port that survives restarts (the tablet reconnects to the same origin).
 */
export class TestService {
  service: Service | null = null;
  port = 0;
  private constructor(readonly dataDir: string) {}

  static async start(): Promise<TestService> {
    const t = new TestService(await mkdtemp(join(tmpdir(), 'floorboard-e2e-')));
    await t.up();
    return t;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const config = configSchema.parse({
      port: this.port, mqttTcpPort: 0, host: '127.0.0.1', plantFile: FIXTURE_PLANT, dataDir: this.dataDir,
      staticDir: join(root, 'dist'), oeeIntervalMs: 1000, logLevel: 'silent',
    });
    this.service = await startService(config, { logger: pino({ level: 'silent' }), hasDefaultMetrics: false });
    this.port = this.service.httpPort;
  }

  async down(): Promise<void> {
    await this.service?.close();
    this.service = null;
  }

  /** Every stored event (storage order). */
  async events(): Promise<StoredEvent[]> {
    if (!this.service) throw new Error('service is down');
    return (await this.service.storage.listEvents({ limit: 1_000_000 })).events;
  }

  async dispose(): Promise<void> {
    await this.down();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
