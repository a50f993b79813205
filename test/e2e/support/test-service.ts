import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startService, type Service, type ServiceOverrides } from '../../../src/server/start-service.ts';
import { configSchema } from '../../../src/server/config.ts';
import type { StoredEvent } from '../../../src/server/storage/storage.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import { openSqliteStorage } from '../../../src/server/storage/sqlite-storage.ts';
import { calendarSchema, type Calendar } from '../../../src/core/plant.schema.ts';
import { currentWindow } from '../../../src/core/charts/windows.ts';
import { TcpRelay } from './tcp-relay.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURE_PLANT = join(root, 'test/fixtures/test.plant.json');

/**
 * The real plant service (HTTP + MQTT over WebSocket + SQLite) serving the built PWA from dist/.
 * The tablet talks to it through a TCP relay on a fixed 127.0.0.1 port, so the origin survives
 * service restarts and `down()` can cut the network (every open socket) before the service stops.
 */
/**
 * Restarts `svc` on the fixture plant with line-a's settings changed (a shorter heartbeat timeout or
 * small-stop threshold, say); returns the plant file, for later restarts.
 */
export async function restartWithLineA(svc: TestService, settings: Record<string, unknown>): Promise<string> {
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { areas: { lines: Record<string, unknown>[] }[] };
  for (const l of plant.areas.flatMap((a) => a.lines)) if (l['id'] === 'line-a') Object.assign(l, settings);
  const file = join(svc.dataDir, 'line-a-settings.plant.json');
  await writeFile(file, JSON.stringify(plant));
  await svc.down();
  await svc.up(file);
  return file;
}

/**
 * `calendar` if a shift of it has run for `soFarMs` now and goes on for `leftMs` more; otherwise three
 * 8 h shifts a day in UTC, one begun `soFarMs` ago: for a test that needs a shift well under way.
 */
export function calendarWithShiftSoFar(calendar: Calendar, soFarMs: number, leftMs = 15 * 60_000): Calendar | null {
  const now = Date.now();
  const w = currentWindow(calendar, now);
  if (w.kind === 'shift' && now - w.from >= soFarMs && w.to - now >= leftMs) return null;
  const hours = 8 * 3600_000;
  const first = now - soFarMs;
  // Minutes only: the shift begins at the minute before, at least `soFarMs` ago.
  const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  return calendarSchema.parse({
    timezone: 'UTC',
    shifts: [0, 1, 2].map((i) => ({ id: `s${i}`, name: `Shift ${i + 1}`, days: [...days], start: hhmm(first + i * hours), end: hhmm(first + (i + 1) * hours) })),
  });
}

const calendarOf = async (plantFile: string): Promise<Calendar> => calendarSchema.parse((JSON.parse(await readFile(plantFile, 'utf8')) as { calendar: unknown }).calendar);

export class TestService {
  service: Service | null = null;
  port = 0;
  #relay: TcpRelay | null = null;
  /** The calendar every start puts in place of the plant file's, if any (see `start`). */
  #calendar: Calendar | null = null;
  private constructor(
    readonly dataDir: string,
    readonly staticDir: string,
    readonly keepsBreaks: boolean,
  ) {}

  /**
   * Starts the service; `staticDir` serves another build of the PWA (default dist/), `plantFile`
   * seeds it with another plant (from its first start: no earlier version to keep in effect).
   * The plant's breaks are left out unless `keepBreaks`: a machine stopped in a break needs no
   * reason, so a test that stops a machine "now" would pass or fail by the time of day it runs.
   * `shiftSoFarMs`: the test needs a shift that has run at least that long and has a while to go
   * (its machine stopped minutes ago, in this shift); in a shift's first minutes or its last, the
   * plant gets three 8 h shifts a day instead, one of them begun that long ago, for every start.
   */
  static async start(staticDir = join(root, 'dist'), plantFile = FIXTURE_PLANT, { keepBreaks = false, shiftSoFarMs = 0 } = {}): Promise<TestService> {
    const t = new TestService(await mkdtemp(join(tmpdir(), 'floorboard-e2e-')), staticDir, keepBreaks);
    if (shiftSoFarMs > 0) t.#calendar = calendarWithShiftSoFar(await calendarOf(plantFile), shiftSoFarMs);
    await t.up(plantFile);
    await t.#listen();
    return t;
  }

  async #listen(): Promise<void> {
    this.#relay = await TcpRelay.start(() => this.service?.httpPort);
    this.port = this.#relay.port;
  }

  /** Cuts every open connection (a network drop), without stopping the service. */
  cut(): void {
    this.#relay?.cut();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts) the service, optionally with another plant file. */
  async up(plantFile = FIXTURE_PLANT, overrides: ServiceOverrides = {}): Promise<void> {
    if (!this.keepsBreaks) plantFile = await this.#withoutBreaks(plantFile);
    if (this.#calendar) plantFile = await this.#withCalendar(plantFile, this.#calendar);
    const config = configSchema.parse({
      port: 0, mqttTcpPort: 0, host: '127.0.0.1', plantFile, dataDir: this.dataDir,
      staticDir: this.staticDir, oeeIntervalMs: 1000, logLevel: 'silent',
    });
    this.service = await startService(config, { logger: pino({ level: 'silent' }), hasDefaultMetrics: false, ...overrides });
  }

  /** A copy of the plant file with no breaks in its shifts or extra shifts (see `start`). */
  async #withoutBreaks(plantFile: string): Promise<string> {
    type Shifts = { breaks?: unknown }[];
    const plant = JSON.parse(await readFile(plantFile, 'utf8')) as { calendar?: { shifts?: Shifts; exceptions?: { shift?: { breaks?: unknown } }[] } };
    for (const shift of plant.calendar?.shifts ?? []) delete shift.breaks;
    for (const e of plant.calendar?.exceptions ?? []) if (e.shift) e.shift.breaks = [];
    // Under the file's own name: the plant's first version says where it was taken from.
    await mkdir(join(this.dataDir, 'no-breaks'), { recursive: true });
    const file = join(this.dataDir, 'no-breaks', basename(plantFile));
    await writeFile(file, JSON.stringify(plant));
    return file;
  }

  /** A copy of the plant file with `calendar` in place of its own (see `start`). */
  async #withCalendar(plantFile: string, calendar: Calendar): Promise<string> {
    const plant = JSON.parse(await readFile(plantFile, 'utf8')) as { calendar?: Calendar };
    plant.calendar = calendar;
    await mkdir(join(this.dataDir, 'calendar'), { recursive: true });
    const file = join(this.dataDir, 'calendar', basename(plantFile));
    await writeFile(file, JSON.stringify(plant));
    return file;
  }

  async down(): Promise<void> {
    this.cut();
    await this.service?.close();
    this.service = null;
  }

  /**
   * History as if received when it happened: stops the service, writes `events` to its database
   * (received at their own times, no clock offset) and starts it again.
   */
  async storeHistory(events: readonly FloorEvent[]): Promise<void> {
    await this.down();
    const storage = openSqliteStorage(join(this.dataDir, 'floorboard.db'));
    await storage.insertEvents(events.map((event) => ({ event, topic: 't', receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts })));
    await storage.close();
    await this.up();
  }

  /** Every stored event (storage order). */
  async events(): Promise<StoredEvent[]> {
    if (!this.service) throw new Error('service is down');
    return (await this.service.storage.listEvents({ limit: 1_000_000 })).events;
  }

  async dispose(): Promise<void> {
    await this.down();
    await this.#relay?.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
