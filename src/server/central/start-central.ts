import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { pino, type Logger } from 'pino';
import type { SiteLive } from '../../core/central/central-board.ts';
import type { CentralUser } from '../../core/central/central.schema.ts';
import { FloorboardError, type User } from '../../core/index.ts';
import { createLogin } from '../auth/login.ts';
import { defaultAddressGuardLimits, defaultGuardLimits, LoginGuard } from '../auth/login-guard.ts';
import { resolveTokenSecret } from '../auth/token-secret.ts';
import { createTokenService } from '../auth/tokens.ts';
import type { Config } from '../config.ts';
import type { ApiEnv } from '../http/app-context.ts';
import { baseApp } from '../http/http-app.ts';
import { listenHttp } from '../http/listen.ts';
import { connectServiceClient } from '../ingest/service-client.ts';
import { readCentralFile } from './central-file.ts';
import { openStorage } from '../storage/open-storage.ts';
import { openPostgresPool, postgresSchemaStorage } from '../storage/postgres-storage.ts';
import type { Storage } from '../storage/storage.ts';
import { CENTRAL_INGEST_FILTERS, CENTRAL_LIVE_FILTERS, createCentralIngest } from './central-ingest.ts';
import { centralRoutes } from './central-routes.ts';
import { siteSchema } from './site-schema.ts';
import { startStorageUpkeep } from '../storage/upkeep-schedule.ts';

/** The centre's fixed MQTT client id: the central broker keeps its session and queues the sites' entries while it is away. */
export const CENTRAL_CLIENT_ID = 'floorboard-central';

export interface CentralService {
  httpPort: number;
  /** Each site's events as the centre keeps them (opened on its first message). */
  storageOf(site: string): Promise<Storage>;
  live: ReadonlyMap<string, SiteLive>;
  close(): Promise<void>;
}

/** A central user as the login and token checks know users: a manager sees its sites through the central file, not the token. */
const asUser = (u: CentralUser): User => ({ id: u.id, name: u.name, role: u.role, passwordHash: u.passwordHash }) as User;

/**
 * The central service of many sites (issue 16): every site's bridge carries its entries, signals
 * and corrections (kept per site, each once) and its card, line statuses and OEE snapshots (held
 * for the central board) to the central broker; this process reads them with a kept session, so
 * the broker queues for it while it is down, and serves the board to the people of the central
 * file, each seeing their sites only.
 */
export async function startCentral(config: Config, overrides: { logger?: Logger; now?: () => number } = {}): Promise<CentralService> {
  const now = overrides.now ?? Date.now;
  const logger = overrides.logger ?? pino({ level: config.logLevel });
  const log = (message: string, fields: Record<string, unknown> = {}) => logger.info(fields, message);
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => logger.error({ error }, 'shutdown step failed'));
    stops.length = 0;
  };
  try {
    if (!config.centralFile || !config.mqttUrl) throw new FloorboardError('invalid-config', 'the centre needs CENTRAL_FILE and MQTT_URL');
    const file = await readCentralFile(config.centralFile);
    const siteIds = new Set(file.sites.map((s) => s.id));
    const secret = await resolveTokenSecret(config.tokenSecret, config.dataDir);
    const users = () => file.users.filter((u) => !u.disabled).map(asUser);
    const findUser = (id: string) => users().find((u) => u.id === id);
    const tokens = createTokenService(secret, findUser, now);
    const login = createLogin({ users, tokens, guard: new LoginGuard(defaultGuardLimits), addressGuard: new LoginGuard(defaultAddressGuardLimits), now, mqttPath: '' });

    // Each site's events in a store of its own, so one site's ids can never shadow another's: a
    // SQLite file under DATA_DIR/sites/<id>, or with DATABASE_URL a schema of its own in that
    // PostgreSQL (site-schema.ts), with the month partitions and retention a site's service keeps.
    // All sites share one pool: the centre holds a few connections, however many sites it keeps.
    const pool = config.databaseUrl ? openPostgresPool(config.databaseUrl, { max: 10, onIdleError: (error) => logger.warn({ error: error.message }, 'central: an idle database connection failed') }) : null;
    const stores = new Map<string, Promise<Storage>>();
    const upkeeps: { stop: () => Promise<void> }[] = [];
    let isClosing = false;
    const storageOf = (site: string): Promise<Storage> => {
      if (isClosing) return Promise.reject(new FloorboardError('storage-failed', 'the central service is stopping'));
      let s = stores.get(site);
      if (!s) {
        s = (async () => {
          // openStorage makes the SQLite file's directory.
          const storage = pool ? postgresSchemaStorage(pool, siteSchema(site)) : openStorage(undefined, join(config.dataDir, 'sites', site));
          try {
            await storage.migrate();
            if (pool && !isClosing)
              upkeeps.push(await startStorageUpkeep({ storage, now, retentionMonths: config.eventRetentionMonths, log: (m, f = {}) => logger.info({ site, ...f }, m), warn: (m, f = {}) => logger.warn({ site, ...f }, m) }));
          } catch (error) {
            await storage.close().catch(() => {});
            throw error;
          }
          return storage;
        })();
        // A failed open is tried again with the next message (its PUBACK is withheld meanwhile).
        s.catch(() => stores.delete(site));
        stores.set(site, s);
      }
      return s;
    };
    stops.push(async () => {
      isClosing = true;
      // A store still opening finishes first, so its upkeep is in the list before it is stopped.
      await Promise.allSettled(stores.values());
      for (const u of upkeeps) await u.stop();
      for (const s of stores.values()) await s.then((storage) => storage.close()).catch(() => {});
      await pool?.end();
    });
    const live = new Map<string, SiteLive>();

    let client: Awaited<ReturnType<typeof connectServiceClient>> | null = null;
    const app = baseApp({ now, health: () => ({ role: 'central', isMqttConnected: client?.client.connected ?? false }) });
    app.route('/api', centralRoutes({ file: () => file, live, tokens, login, now }));
    // The central board's page (central.html of the build) at /, its assets beside it.
    const page = join(config.staticDir, 'central.html');
    app.get('/', async (c, next) => (existsSync(page) ? c.html(await readFile(page, 'utf8')) : next()));
    if (existsSync(config.staticDir)) {
      app.use('/central-assets/*', serveStatic<ApiEnv>({ root: config.staticDir }));
      app.use('/favicon.svg', serveStatic<ApiEnv>({ root: config.staticDir }));
    }
    const http = await listenHttp(app, config.host, config.port, () => {}, () => {});
    stops.push(() => http.close());

    client = await connectServiceClient({
      url: config.mqttUrl,
      username: config.mqttUsername ?? '',
      password: config.mqttPassword ?? '',
      clientId: CENTRAL_CLIENT_ID,
      protocolVersion: 'auto',
      session: 'persistent',
      filters: CENTRAL_INGEST_FILTERS,
      liveFilters: CENTRAL_LIVE_FILTERS,
      handle: createCentralIngest({ isKnownSite: (s) => siteIds.has(s), storageOf, live, now, log: (m, f) => logger.warn(f ?? {}, m) }),
      log,
    });
    const mqttClient = client;
    stops.push(() => mqttClient.close());
    logger.info({ httpPort: http.port, sites: [...siteIds] }, 'floorboard central service started');
    return { httpPort: http.port, storageOf, live, close };
  } catch (error) {
    await close();
    throw error;
  }
}
