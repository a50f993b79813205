import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { pino, type Logger } from 'pino';
import { principalOf } from '../core/access.ts';
import { FloorboardError, topics, type Plant, type User } from '../core/index.ts';
import { indexPlant } from '../core/plant-index.ts';
import { createLogin } from './auth/login.ts';
import { defaultAddressGuardLimits, defaultGuardLimits, LoginGuard, type GuardLimits } from './auth/login-guard.ts';
import { resolveTokenSecret } from './auth/token-secret.ts';
import { createTokenService, type TokenService } from './auth/tokens.ts';
import { createBrokerAuth, SERVICE_USERNAME } from './broker/broker-auth.ts';
import { connectDynsec, type DynsecSessions } from './broker/dynsec-sessions.ts';
import { MQTT_WS_PATH, startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded-broker.ts';
import { gateUntilIngestReady } from './broker/startup-gate.ts';
import { withBrokerSessions } from './broker/session-login.ts';
import type { Config } from './config.ts';
import type { ApiEnv } from './http/app-context.ts';
import { deadLetterRoutes } from './http/dead-letter-routes.ts';
import { historyRoutes } from './http/history-routes.ts';
import { createHttpApp } from './http/http-app.ts';
import { ClockTracker } from './ingest/clock-tracker.ts';
import { createIngestHandler } from './ingest/ingest-handler.ts';
import { connectServiceClient, type ServiceClient } from './ingest/service-client.ts';
import { startBucketWriter, type BucketWriter } from './live/hourly-buckets.ts';
import { startLiveOee, type LiveOee } from './live/live-oee.ts';
import { createMetrics, type ServiceMetrics } from './metrics.ts';
import { loadPlantFile } from './plant-file.ts';
import { loadGatewayCredentials } from './sim/sim-credentials.ts';
import { startSimulator, type Simulator } from './sim/simulator.ts';
import { openStorage } from './storage/open-storage.ts';
import type { Storage } from './storage/storage.ts';
import { watchWrites } from './storage/write-health.ts';

type Gateway = Extract<User, { role: 'gateway' }>;
/** A year: the demo's broker sessions outlive any demo run. */
const SIM_SESSION_MS = 365 * 86_400_000;

/**
 * How each simulated gateway signs in, always as itself with a gateway's scope, never with the
 * service's account: a token on the embedded broker; its own password from SIM_CREDENTIALS_FILE
 * on an external broker; or a broker client of its own made by dynamic security. Null: no way.
 */
async function simulatorCredentials(
  config: Config,
  plant: Plant,
  isEmbedded: boolean,
  tokens: TokenService,
  dynsec: DynsecSessions | null,
  now: () => number,
): Promise<((gw: Gateway, deviceId: string) => Promise<{ username: string; password: string }>) | null> {
  if (isEmbedded) return async (gw, deviceId) => ({ username: gw.id, password: (await tokens.issue(gw, deviceId)).token });
  if (config.simCredentialsFile) {
    const gateways = plant.users.filter((u): u is Gateway => u.role === 'gateway' && u.stations.length > 0);
    const fromFile = await loadGatewayCredentials(config.simCredentialsFile, gateways);
    return async (gw) => fromFile(gw);
  }
  if (dynsec) {
    return async (gw, deviceId) => {
      const password = randomBytes(24).toString('base64url');
      const username = await dynsec.open({ principal: principalOf(gw), deviceId, password, expiresAt: now() + SIM_SESSION_MS });
      return { username, password };
    };
  }
  return null;
}

/** Fixed client id of the service: the broker keeps its session and queued messages across reconnects. */
export const SERVICE_CLIENT_ID = 'floorboard-service';

export interface ServiceOverrides {
  now?: () => number;
  guardLimits?: GuardLimits;
  addressGuardLimits?: GuardLimits;
  logger?: Logger;
  /** Process metrics (event loop, memory); off in tests. */
  hasDefaultMetrics?: boolean;
  /** Tick of the --demo simulator (tests make it fast). */
  simTickMs?: number;
  /** How often hourly buckets are rewritten (tests make it fast). */
  bucketFlushMs?: number;
}

/** A running plant service. */
export interface Service {
  httpPort: number;
  /** TCP port of the embedded broker; null with an external broker. */
  mqttPort: number | null;
  storage: Storage;
  metrics: ServiceMetrics;
  close(): Promise<void>;
}

const loopback = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

/**
 * Starts the whole service in-process: plant, storage (migrated), broker (embedded unless
 * MQTT_URL), HTTP + MQTT over WebSocket, ingest, live OEE, and the simulator with --demo.
 * Ports 0 pick free ports (tests). Everything started is stopped by `close()`, in reverse order.
 *
 * @example const service = await startService(parseConfig(process.env, process.argv.slice(2)));
 */
export async function startService(config: Config, overrides: ServiceOverrides = {}): Promise<Service> {
  const now = overrides.now ?? Date.now;
  const logger = overrides.logger ?? pino({ level: config.logLevel });
  const log = (message: string, fields: Record<string, unknown> = {}) => logger.info(fields, message);
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => logger.error({ error }, 'shutdown step failed'));
    stops.length = 0;
  };
  try {
    const plant = await loadPlantFile(config.plantFile);
    const index = indexPlant(plant);
    const usersById = new Map<string, User>(plant.users.map((u) => [u.id, u]));
    const secret = await resolveTokenSecret(config.tokenSecret, config.dataDir);
    const { storage, writeError } = watchWrites(openStorage(config.databaseUrl, config.dataDir));
    stops.push(() => storage.close());
    await storage.migrate();
    const metrics = createMetrics(overrides.hasDefaultMetrics ?? true);
    const tokens = createTokenService(secret, (id) => usersById.get(id), now);
    const clock = new ClockTracker(config.clockOffsetLimitMs);

    let broker: EmbeddedBroker | null = null;
    let openBrokerGate = () => {};
    let mqttUrl = config.mqttUrl;
    // External broker: the account `floorboard broker-config` wrote into service.env.
    let credentials = { username: config.mqttUsername ?? SERVICE_USERNAME, password: config.mqttPassword ?? '' };
    if (!mqttUrl) {
      const servicePassword = randomBytes(32).toString('base64url');
      const auth = createBrokerAuth({
        index: () => index,
        tokens,
        servicePassword,
        now,
        onDenied: (what, clientId, detail) => logger.warn({ what, clientId, detail }, 'mqtt access denied'),
        onForeignDevice: ({ clientId, topic, payload, code, message }) => {
          metrics.deadLetters.inc({ code });
          metrics.rejected.inc({ code });
          storage
            .insertDeadLetter({ receivedAt: now(), topic, code, message, payload: payload.toString('utf8'), deviceId: clientId })
            .catch((error: unknown) => logger.error({ error, topic }, 'dead letter of a foreign-device publish failed'));
        },
      });
      const gate = gateUntilIngestReady(auth, SERVICE_USERNAME);
      openBrokerGate = gate.open;
      broker = await startEmbeddedBroker({ host: config.host, tcpPort: config.mqttTcpPort, auth: gate.auth, metrics, log, onClientReady: (id) => clock.reset(id) });
      stops.push(() => broker!.close());
      mqttUrl = `mqtt://${loopback(config.host)}:${broker.tcpPort}`;
      credentials = { username: SERVICE_USERNAME, password: servicePassword };
    }

    // External broker with the dynamic-security plugin: one broker client per login (docs/adr/0004).
    const dynsec = broker ? null : await connectDynsec({ url: mqttUrl, ...credentials, clientId: `${SERVICE_CLIENT_ID}-dynsec`, index: () => index, now, log });
    if (dynsec) stops.push(() => dynsec.close());
    const baseLogin = createLogin({
      users: () => plant.users,
      tokens,
      guard: new LoginGuard(overrides.guardLimits ?? defaultGuardLimits),
      addressGuard: new LoginGuard(overrides.addressGuardLimits ?? defaultAddressGuardLimits),
      now,
      mqttPath: MQTT_WS_PATH,
    });
    const login = withBrokerSessions(baseLogin, dynsec, (id) => usersById.get(id));
    const deps = { index: () => index, users: () => plant.users, tokens, now };
    let client: ServiceClient | null = null;
    let buckets: BucketWriter | null = null;
    const app = createHttpApp({
      deps,
      login,
      metrics,
      staticDir: config.staticDir,
      ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
      extraApi: new Hono<ApiEnv>()
        .route('/', deadLetterRoutes({ ...deps, storage }))
        .route('/', historyRoutes({ ...deps, storage, bucketsStaleFrom: () => buckets?.staleFrom() ?? Number.NEGATIVE_INFINITY })),
      // Open to anyone: says whether storage takes writes, not why (the log says why).
      health: () => ({ storage: storage.kind, broker: broker ? 'embedded' : 'external', isMqttConnected: client?.client.connected ?? false, isStorageWritable: writeError() === null }),
    });
    const server = createAdaptorServer({ fetch: app.fetch, hostname: config.host }) as HttpServer;
    broker?.attachWebSocket(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new FloorboardError('invalid-config', `PORT ${config.port} is already in use`, { details: ['PORT: choose a free port'], cause: error })
            : error,
        ),
      );
      server.listen(config.port, config.host, () => resolve());
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          broker?.dropWebSockets();
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );

    buckets = startBucketWriter({ storage, plant, now, log, ...(overrides.bucketFlushMs ? { flushMs: overrides.bucketFlushMs } : {}) });
    stops.push(async () => buckets?.stop());
    let live: LiveOee | null = null;
    const handle = createIngestHandler({
      storage,
      index: () => index,
      usersById: () => usersById,
      metrics,
      clock,
      now,
      log,
      onCommitted: (records) => {
        live?.onCommitted(records);
        buckets?.touch(records);
      },
    });
    client = await connectServiceClient({ url: mqttUrl, ...credentials, clientId: SERVICE_CLIENT_ID, filters: topics.ingestFilters(index.site), handle, log });
    // Subscribed: devices may connect to the embedded broker now (startup-gate.ts).
    openBrokerGate();
    stops.push(() => client!.close());
    live = await startLiveOee({ storage, plant, index, now, intervalMs: config.oeeIntervalMs, publish: client.publish, log });
    stops.push(async () => live?.stop());

    let sim: Simulator | null = null;
    const credentialsFor = config.isDemo ? await simulatorCredentials(config, plant, broker !== null, tokens, dynsec, now) : null;
    if (config.isDemo && !credentialsFor)
      logger.warn('--demo with an external broker: set SIM_CREDENTIALS_FILE to the credentials.json of `floorboard broker-config --auth acl` (or use dynamic security); simulator not started');
    if (credentialsFor) {
      sim = await startSimulator({
        plant,
        index,
        mqttUrl,
        now,
        log,
        credentialsFor,
        lastSeq: async (deviceId) => (await storage.getDevice(deviceId))?.lastSeq ?? -1,
        ...(overrides.simTickMs ? { tickMs: overrides.simTickMs } : {}),
      });
      stops.push(() => sim!.stop());
    }
    const httpPort = (server.address() as AddressInfo).port;
    logger.info({ httpPort, mqttPort: broker?.tcpPort ?? null, storage: storage.kind, isDemo: config.isDemo }, 'floorboard service started');
    return { httpPort, mqttPort: broker?.tcpPort ?? null, storage, metrics, close };
  } catch (error) {
    await close();
    throw error;
  }
}
