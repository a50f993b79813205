import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { startService, type Service } from '../../../src/server/app.ts';
import { configSchema } from '../../../src/server/config.ts';
import type { StoredEvent } from '../../../src/server/storage/storage.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURE_PLANT = join(root, 'test/fixtures/test.plant.json');

/**
 * The real plant service (HTTP + MQTT over WebSocket + SQLite) serving the built PWA from dist/.
 * The tablet talks to it through a TCP relay on a fixed 127.0.0.1 port, so the origin survives
 * service restarts and `down()` can cut the network (every open socket) before the service stops.
 */
export class TestService {
  service: Service | null = null;
  port = 0;
  readonly #sockets = new Set<Socket>();
  #relay: Server | null = null;
  private constructor(readonly dataDir: string) {}

  static async start(): Promise<TestService> {
    const t = new TestService(await mkdtemp(join(tmpdir(), 'floorboard-e2e-')));
    await t.up();
    await t.#listen();
    return t;
  }

  async #listen(): Promise<void> {
    this.#relay = createServer((client) => {
      const target = this.service?.httpPort;
      if (target === undefined) return void client.destroy();
      const upstream = connect(target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.#relay!.listen(0, '127.0.0.1', resolve));
    this.port = (this.#relay.address() as AddressInfo).port;
  }

  /** Cuts every open connection (a network drop), without stopping the service. */
  cut(): void {
    for (const s of this.#sockets) s.destroy();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts) the service, optionally with another plant file. */
  async up(plantFile = FIXTURE_PLANT): Promise<void> {
    const config = configSchema.parse({
      port: 0, mqttTcpPort: 0, host: '127.0.0.1', plantFile, dataDir: this.dataDir,
      staticDir: join(root, 'dist'), oeeIntervalMs: 1000, logLevel: 'silent',
    });
    this.service = await startService(config, { logger: pino({ level: 'silent' }), hasDefaultMetrics: false });
  }

  async down(): Promise<void> {
    this.cut();
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
    await new Promise<void>((resolve) => (this.#relay ? this.#relay.close(() => resolve()) : resolve()));
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
