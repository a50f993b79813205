import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { pino, type Logger } from 'pino';
import { principalOf } from '../core/access.ts';
import { FloorboardError, topics, type Plant, type User } from '../core/index.ts';
import { indexPlant } from '../core/plant-index.ts';
import { createDeviceClaims } from './auth/device-claims.ts';
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
import { createRefusalSeal } from './broker/refusal-seal.ts';
import { createIngestHandler } from './ingest/ingest-handler.ts';
import { connectServiceClient, type ServiceClient } from './ingest/service-client.ts';
import { startBucketWriter, type BucketWriter } from './live/hourly-buckets.ts';
import { startLiveOee, type LiveOee } from './live/live-oee.ts';
import { createMetrics, type ServiceMetrics } from './metrics.ts';
import { loadPlantFile } from './plant-file.ts';
import { loadGatewayCredentials } from './sim/sim-credentials.ts';
import { prepareDemo } from './sim/demo-start.ts';
import { startSimulator, type Simulator } from './sim/simulator.ts';
import { openStorage } from './storage/open-storage.ts';
import { startRunLog } from './run-log.ts';
import { startReportScheduler } from './report/report-scheduler.ts';
import type { Storage, StoredEventInput } from './storage/storage.ts';
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

/** Writes every hour the buckets have marked, however long that takes (a flush already running skips its turn). */
async function writeBuckets(buckets: BucketWriter, now: () => number, isStopped: () => boolean): Promise<void> {
  const HOUR_MS = 3600_000;
  for (let i = 0; i < 6000 && !isStopped() && buckets.staleFrom() < now() - 2 * HOUR_MS; i++) {
    await buckets.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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
  /** Heartbeat interval range of the --demo simulator (tests make it fast). */
  simHeartbeatMs?: readonly [number, number];
  /** How often hourly buckets are rewritten (tests make it fast). */
  bucketFlushMs?: number;
  /** How often ended shifts are looked for to make their reports (tests make it fast). */
  reportIntervalMs?: number;
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
    // The run log: this run's start now, its end on close; the gaps between runs are no data (ADR 0009).
    const runLog = await startRunLog({ storage, now, log });
    stops.push(() => runLog.stop());
    const monitoring = (lineIds: readonly string[]) => runLog.monitoring(lineIds);
    const metrics = createMetrics(overrides.hasDefaultMetrics ?? true);
    const tokens = createTokenService(secret, (id) => usersById.get(id), now);
    const clock = new ClockTracker(config.clockOffsetLimitMs, { maxAheadMs: config.maxEventAheadMs, maxAgeMs: config.maxEventAgeMs });
    const claims = createDeviceClaims({ storage, findUser: (id) => usersById.get(id), index: () => index, now });

    // The embedded broker seals the publishes it refuses; ingest dead-letters and acks them (refusal-seal.ts).
    const refusals = createRefusalSeal();
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
        findUser: (id) => usersById.get(id),
        claims,
        refusals,
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
      claimDevice: claims.claim,
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
        .route('/', historyRoutes({ ...deps, storage, monitoring, bucketsStaleFrom: () => buckets?.staleFrom() ?? Number.NEGATIVE_INFINITY })),
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

    buckets = startBucketWriter({ storage, plant, now, log, monitoring, ...(overrides.bucketFlushMs ? { flushMs: overrides.bucketFlushMs } : {}) });
    stops.push(async () => buckets?.stop());
    let live: LiveOee | null = null;
    let reloading: StoredEventInput[] | null = null;
    const handle = createIngestHandler({
      storage,
      index: () => index,
      usersById: () => usersById,
      metrics,
      clock,
      now,
      log,
      refusals,
      onCommitted: (records) => {
        live?.onCommitted(records);
        reloading?.push(...records);
        buckets?.touch(records);
      },
    });
    client = await connectServiceClient({ url: mqttUrl, ...credentials, clientId: SERVICE_CLIENT_ID, filters: topics.ingestFilters(index.site), handle, log });
    // Subscribed: devices may connect to the embedded broker now (startup-gate.ts).
    openBrokerGate();
    stops.push(() => client!.close());
    // Shift reports: made at each shift's end (and at start for shifts ended while down), stored, announced.
    let demoStored = () => {};
    const demoReady = config.isDemo ? new Promise<void>((resolve) => (demoStored = resolve)) : undefined;
    const reports = startReportScheduler({
      storage, plant, now, log, monitoring, publish: client.publish, language: config.reportLanguage,
      ...(demoReady ? { ready: demoReady } : {}),
      ...(config.reportWebhookUrl ? { webhook: { url: config.reportWebhookUrl } } : {}),
      ...(config.smtpHost && config.reportEmailFrom && config.reportEmailTo
        ? { smtp: { host: config.smtpHost, port: config.smtpPort, secure: config.smtpSecure, user: config.smtpUser, password: config.smtpPassword, from: config.reportEmailFrom, to: config.reportEmailTo } }
        : {}),
      ...(overrides.reportIntervalMs ? { intervalMs: overrides.reportIntervalMs } : {}),
    });
    void reports.runOnce().catch((error: unknown) => logger.error({ error }, 'shift reports at start failed'));
    stops.push(() => reports.stop());
    const liveOptions = { storage, plant, index, now, intervalMs: config.oeeIntervalMs, publish: client.publish, log, monitoring };
    live = await startLiveOee(liveOptions);
    stops.push(async () => live?.stop());
    /** Loads live OEE from storage again (after the demo's backfill); commits meanwhile reach both. */
    const reloadLive = async () => {
      const meanwhile: StoredEventInput[] = [];
      reloading = meanwhile;
      try {
        const fresh = await startLiveOee(liveOptions);
        const old = live;
        live = fresh;
        old?.stop();
        fresh.onCommitted(meanwhile);
      } finally {
        reloading = null;
      }
    };

    const simCredentials = config.isDemo ? await simulatorCredentials(config, plant, broker !== null, tokens, dynsec, now) : null;
    // The simulated gateways claim their device ids as a login would, so nobody else can take them.
    const credentialsFor =
      simCredentials &&
      (async (gw: Gateway, deviceId: string) => {
        await claims.claim(deviceId, principalOf(gw));
        return simCredentials(gw, deviceId);
      });
    if (config.isDemo && !credentialsFor) {
      demoStored();
      logger.warn('--demo with an external broker: set SIM_CREDENTIALS_FILE to the credentials.json of `floorboard broker-config --auth acl` (or use dynamic security); simulator not started');
    }
    if (credentialsFor) {
      // In the background: the service answers while the first start writes the demo's history.
      let sim: Simulator | null = null;
      let isDemoStopped = false;
      const demo = (async () => {
        const { sim: machines, stored } = await prepareDemo({
          plant, index, storage, now, log, days: config.demoBackfillDays, isStopped: () => isDemoStopped,
          onStored: (records) => buckets?.touch(records),
        });
        demoStored();
        if (isDemoStopped) return;
        // Screens read the history at once: the current shift's live figures are loaded again from storage.
        if (stored > 0) await reloadLive();
        if (isDemoStopped) return;
        sim = await startSimulator({ index, sim: machines, mqttUrl: mqttUrl!, now, log, credentialsFor, ...(overrides.simTickMs ? { tickMs: overrides.simTickMs } : {}), ...(overrides.simHeartbeatMs ? { heartbeatMs: overrides.simHeartbeatMs } : {}) });
        // The hourly buckets of the whole history (trends, long reports), written while the demo
        // runs. Not awaited on shutdown: a month's write outlasts the shutdown's deadline.
        if (stored > 0)
          void writeBuckets(buckets!, now, () => isDemoStopped).then(() => {
            if (!isDemoStopped) log('demo backfill: hourly buckets written');
          });
      })()
        .catch((error: unknown) => logger.error({ error }, 'demo simulator failed'))
        .finally(demoStored);
      stops.push(async () => {
        isDemoStopped = true;
        await demo;
        await sim?.stop();
      });
    }
    const httpPort = (server.address() as AddressInfo).port;
    logger.info({ httpPort, mqttPort: broker?.tcpPort ?? null, storage: storage.kind, isDemo: config.isDemo }, 'floorboard service started');
    return { httpPort, mqttPort: broker?.tcpPort ?? null, storage, metrics, close };
  } catch (error) {
    await close();
    throw error;
  }
}
