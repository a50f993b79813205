import { startBrokerSide } from './broker/broker-side.ts';
import type { DynsecSessions } from './broker/dynsec-sessions.ts';
import { listenHttp } from './http/listen.ts';
import { startDemo } from './sim/demo-run.ts';
import { startStationLogPublisher, type StationLogPublisher } from './station-log/station-log-publisher.ts';
import { startSiteCard } from './live/site-card-publisher.ts';
import { Hono } from 'hono';
import { pino, type Logger } from 'pino';
import { FloorboardError, topics, type Plant } from '../core/index.ts';
import { createDeviceClaims, type DeviceClaims } from './auth/device-claims.ts';
import { createRevokeDevice } from './auth/device-admin.ts';
import { loadDeviceRevocations } from './auth/device-revocations.ts';
import { deviceRoutes } from './http/device-routes.ts';
import { createDeviceReports } from './ingest/device-reports.ts';
import { createLogin } from './auth/login.ts';
import { defaultAddressGuardLimits, defaultGuardLimits, LoginGuard, type GuardLimits } from './auth/login-guard.ts';
import { resolveTokenSecret } from './auth/token-secret.ts';
import { createTokenService, type TokenService } from './auth/tokens.ts';
import { MQTT_WS_PATH } from './broker/embedded-broker.ts';
import { withBrokerSessions } from './broker/session-login.ts';
import type { Config } from './config.ts';
import type { ApiEnv } from './http/app-context.ts';
import { deadLetterRoutes } from './http/dead-letter-routes.ts';
import { connectorRoutes } from './http/connector-routes.ts';
import { createConnectorHealth } from './connectors/connector-health.ts';
import { plantConfigRoutes } from './http/plant-config-routes.ts';
import { historyRoutes } from './http/history-routes.ts';
import { createHttpApp } from './http/http-app.ts';
import { ClockTracker } from './ingest/clock-tracker.ts';
import { createRefusalSeal } from './broker/refusal-seal.ts';
import { createIngestHandler } from './ingest/ingest-handler.ts';
import { connectServiceClient, type ServiceClient } from './ingest/service-client.ts';
import { startBucketWriter, type BucketWriter } from './history/bucket-writer.ts';
import { storedBucketsStaleFrom } from './history/stored-staleness.ts';
import { startReloadableLive, type ReloadableLive } from './live/reloadable-live.ts';
import { startStorageUpkeep } from './storage/upkeep-schedule.ts';
import { createMetrics, type ServiceMetrics } from './metrics.ts';
import { readPlantFile } from './plant-file.ts';
import { openPlantConfig } from './plant-config/plant-versions.ts';
import type { PlantHolder } from './plant-config/plant-holder.ts';
import { applyPlantLive } from './plant-config/live-apply.ts';
import { openStorage } from './storage/open-storage.ts';
import { startRunLog } from './run-log.ts';
import { startReportScheduler } from './report/report-scheduler.ts';
import { createAndon, type AndonOptions } from './andon/andon-service.ts';
import { smtpServerOf, type SmtpServer } from './smtp-config.ts';
import { andonRoutes } from './http/andon-routes.ts';
import type { Storage, StoredEventInput } from './storage/storage.ts';
import { watchWrites } from './storage/write-health.ts';
import { brokerWebSocketBridge } from './broker/ws-bridge.ts';
import { hostname } from 'node:os';
import pg from 'pg';
import { SharedLoginGuard } from './cluster/shared-login-guard.ts';
import { claimInstanceId } from './cluster/instance-claim.ts';
import { endSingleServiceSession } from './cluster/single-session.ts';
import { sharedFilter, startCluster, type ClusterRole, type Leading, type Publish } from './cluster/cluster-mode.ts';
import type { ReportScheduler } from './report/report-scheduler.ts';

/** In a cluster, how often each instance looks for broker sessions to expire that another one opened. */
const DYNSEC_SWEEP_MS = 60_000;

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
  /** How long a cluster instance waits for its id while another connection holds it (cluster/instance-claim.ts; tests make it short). */
  instanceClaimWaitMs?: number;
  /** How often ended shifts are looked for to make their reports (tests make it fast). */
  reportIntervalMs?: number;
  /** Andon webhook tries, timeout, backoff and secrets (tests make them short). */
  andon?: Pick<AndonOptions, 'delivery'>;
}

/** A running plant service. */
export interface Service {
  httpPort: number;
  /** TCP port of the embedded broker; null with an external broker. */
  mqttPort: number | null;
  storage: Storage;
  metrics: ServiceMetrics;
  /** In a cluster: the epoch this instance leads under, null while it follows; always null for a single service. */
  leaderEpoch(): number | null;
  /** Resolves with the reason when the service cannot go on (a cluster leader lost its lease): close it and start again. */
  failed: Promise<string>;
  close(): Promise<void>;
}

/** Logins by badge and PIN or by password, slowed and locked on failures, with a broker session of their own on dynamic security. */
function serviceLogin(o: {
  holder: PlantHolder;
  tokens: TokenService;
  now: () => number;
  claims: DeviceClaims;
  dynsec: DynsecSessions | null;
  overrides: ServiceOverrides;
  /** A cluster's instances count failed logins together in PostgreSQL; a single service in memory. */
  sharedGuards: pg.Pool | null;
}) {
  const limits = o.overrides.guardLimits ?? defaultGuardLimits;
  const addressLimits = o.overrides.addressGuardLimits ?? defaultAddressGuardLimits;
  const baseLogin = createLogin({
    // A disabled user cannot sign in: to the login it is not there.
    users: () => o.holder.users().filter((u) => !u.disabled),
    tokens: o.tokens,
    guard: o.sharedGuards ? new SharedLoginGuard(o.sharedGuards, 'user', limits) : new LoginGuard(limits),
    addressGuard: o.sharedGuards ? new SharedLoginGuard(o.sharedGuards, 'address', addressLimits) : new LoginGuard(addressLimits),
    now: o.now,
    mqttPath: MQTT_WS_PATH,
    claimDevice: o.claims.claim,
  });
  return withBrokerSessions(baseLogin, o.dynsec, o.holder.findActiveUser);
}

/** Where shift reports go besides storage and MQTT: the configured webhook and SMTP server. */
/** The service's SMTP server (shift reports, andon calls); calls by email need one: said at start, not at the first call. */
async function smtpFor(config: Config, plant: Plant): Promise<SmtpServer | null> {
  const smtp = await smtpServerOf(config);
  if (plant.andon.email && !smtp)
    throw new FloorboardError('invalid-config', 'invalid configuration (1 problem)', {
      details: ["SMTP_HOST: the plant file's andon.email mails calls through the service's SMTP server; set SMTP_HOST (and SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASSWORD or SMTP_PASSWORD_FILE)"],
    });
  return smtp;
}

function reportOptions(config: Config, overrides: ServiceOverrides, smtp: SmtpServer | null) {
  return {
    language: config.reportLanguage,
    ...(config.reportWebhookUrl ? { webhook: { url: config.reportWebhookUrl } } : {}),
    ...(smtp && config.reportEmailFrom && config.reportEmailTo ? { smtp: { ...smtp, from: config.reportEmailFrom, to: config.reportEmailTo } } : {}),
    ...(overrides.reportIntervalMs ? { intervalMs: overrides.reportIntervalMs } : {}),
  };
}

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
  let fail: (reason: string) => void = () => {};
  const failed = new Promise<string>((resolve) => (fail = resolve));
  let role: ClusterRole | null = null;
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => logger.error({ error }, 'shutdown step failed'));
    stops.length = 0;
  };
  try {
    // First of all: a second instance with this id would take the first one's broker connections
    // (its MQTT and dynamic-security clients are named after it).
    const cluster = config.clusterGroup ? { group: config.clusterGroup, instanceId: config.instanceId ?? `${hostname()}-${process.pid}` } : null;
    if (cluster) {
      const claim = await claimInstanceId({ databaseUrl: config.databaseUrl!, group: cluster.group, instanceId: cluster.instanceId, log, onLost: (reason) => fail(reason), ...(overrides.instanceClaimWaitMs !== undefined ? { waitMs: overrides.instanceClaimWaitMs } : {}) });
      stops.push(() => claim.release());
    }
    const file = await readPlantFile(config.plantFile);
    const secret = await resolveTokenSecret(config.tokenSecret, config.dataDir);
    const { storage, writeError } = watchWrites(openStorage(config.databaseUrl, config.dataDir));
    stops.push(() => storage.close());
    await storage.migrate();
    const upkeep = await startStorageUpkeep({ storage, now, retentionMonths: config.eventRetentionMonths, log, warn: (message, fields = {}) => logger.warn(fields, message) });
    stops.push(upkeep.stop);
    // The plant is data: the newest stored version, seeded from (and following) the plant file (issue 13).
    const holder = await openPlantConfig({ storage, filePlant: file.plant, fileText: file.text, filePath: config.plantFile, now, log });
    const plant = holder.plant();
    const index = () => holder.index();
    // The run log: this run's start now, its end on close; the gaps between runs are no data (ADR 0009).
    const runLog = await startRunLog({ storage, now, log });
    stops.push(() => runLog.stop());
    const monitoring = (lineIds: readonly string[]) => runLog.monitoring(lineIds);
    const metrics = createMetrics(overrides.hasDefaultMetrics ?? true);
    const revocations = await loadDeviceRevocations(storage);
    const tokens = createTokenService(secret, holder.findActiveUser, now, revocations.revokedAt);
    const clock = new ClockTracker(config.clockOffsetLimitMs, { maxAheadMs: config.maxEventAheadMs, maxAgeMs: config.maxEventAgeMs });
    const claims = createDeviceClaims({ storage, findUser: holder.findUser, index, now, wasRevoked: (id) => revocations.revokedAt(id) !== undefined });
    const deviceReports = createDeviceReports(now, log);

    // The embedded broker seals the publishes it refuses; ingest dead-letters and acks them (refusal-seal.ts).
    const refusals = createRefusalSeal();
    const brokerSide = await startBrokerSide({
      host: config.host,
      tcpPort: config.mqttTcpPort,
      ...(config.mqttUrl ? { external: { url: config.mqttUrl, username: config.mqttUsername, password: config.mqttPassword } } : {}),
      index,
      tokens,
      findUser: holder.findUser,
      claims,
      refusals,
      metrics,
      now,
      log,
      onDenied: (what, clientId, detail) => logger.warn({ what, clientId, detail }, 'mqtt access denied'),
      onClientReady: (id) => clock.reset(id),
      ...(config.clusterGroup ? { dynsecSweepMs: DYNSEC_SWEEP_MS } : {}),
      dynsecClientId: cluster ? `${SERVICE_CLIENT_ID}-dynsec-${cluster.instanceId}` : `${SERVICE_CLIENT_ID}-dynsec`,
    });
    stops.push(() => brokerSide.close());
    const { broker, dynsec, url: mqttUrl, credentials } = brokerSide;
    let sharedGuards: pg.Pool | null = null;
    if (config.clusterGroup && config.databaseUrl) {
      const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2, application_name: 'floorboard-login-guard' });
      pool.on('error', (error) => logger.warn({ error: error.message }, 'login guard: database connection lost'));
      stops.push(() => pool.end());
      sharedGuards = pool;
    }
    const login = serviceLogin({ holder, tokens, now, claims, dynsec, overrides, sharedGuards });
    const deps = { index, users: holder.users, tokens, now };
    const smtp = await smtpFor(config, plant);
    const andon = createAndon({ ...deps, index: index(), storage, log, smtp, ...overrides.andon });
    const revoke = createRevokeDevice({
      revocations, claims, now, dropBrokerSessions: brokerSide.dropDevice, onRevoked: deviceReports.forget,
      audit: (message, fields) => logger.warn({ audit: 'device-revocation', ...fields }, message),
    });
    /**
     * What leading started (live, buckets, reports, station logs, andon), stopped before anything
     * else: in a cluster before the lease is given up, so the next leader never overlaps with it.
     */
    const leadStops: (() => Promise<void>)[] = [() => andon.stop()];
    const stopLeading = async () => {
      for (const stop of leadStops.splice(0).reverse()) await stop().catch((error: unknown) => logger.error({ error }, 'shutdown step failed'));
    };
    let client: ServiceClient | null = null;
    const connectorHealth = createConnectorHealth({ index, ownerOf: async (id) => (await storage.getDeviceClaim(id))?.userId, findUser: holder.findUser, now, log });
    metrics.connectors.rows = connectorHealth.rows;
    let buckets: BucketWriter | null = null;
    let demoStored = () => {};
    const app = createHttpApp({
      deps,
      login,
      metrics,
      staticDir: config.staticDir,
      ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
      extraApi: new Hono<ApiEnv>()
        .route('/', andonRoutes(andon.routeDeps))
        .route('/', deadLetterRoutes({ ...deps, storage }))
        .route('/', deviceRoutes({ ...deps, storage, reports: deviceReports, revocations, revoke }))
        .route('/', connectorRoutes({ ...deps, health: connectorHealth }))
        .route('/', plantConfigRoutes({ holder, storage, tokens, now, monitoring }))
        // A cluster follower trusts the leader's buckets as far as storage says they are written.
        .route('/', historyRoutes({ ...deps, storage, monitoring, bucketsStaleFrom: () => (buckets ? buckets.staleFrom() : config.clusterGroup ? storedBucketsStaleFrom(storage) : Number.NEGATIVE_INFINITY) })),
      // Open to anyone: says whether storage takes writes, not why (the log says why).
      health: () => ({ storage: storage.kind, broker: broker ? 'embedded' : 'external', isMqttConnected: client?.client.connected ?? false, isStorageWritable: writeError() === null }),
    });
    // /mqtt on the service's port: the embedded broker, or carried to an external broker's WebSocket listener.
    const wsBridge = !broker && config.mqttWsUrl ? brokerWebSocketBridge(config.mqttWsUrl, log) : null;
    if (!broker && !wsBridge) logger.warn('MQTT_WS_URL is not set: the app opens MQTT at /mqtt on this port, which then has no broker behind it; set MQTT_WS_URL to the broker\'s WebSocket listener, or route /mqtt to it in a reverse proxy');
    const http = await listenHttp(app, config.host, config.port, (server) => (broker ? broker.attachWebSocket(server) : wsBridge?.attach(server)), () => (broker ? broker.dropWebSockets() : wsBridge?.drop()));
    stops.push(() => http.close());

    let live: ReloadableLive | null = null;
    let stationLogs: StationLogPublisher | null = null;
    let reports: ReportScheduler | null = null;
    let siteCard: { publishNow(): void } | null = null;
    /** After a commit (ingest's, andon's own, or, in a cluster, any instance's): memory follows the database. */
    const committed = (records: readonly StoredEventInput[]) => {
      live?.onCommitted(records);
      buckets?.touch(records);
      andon.onCommitted(records);
      stationLogs?.onCommitted(records);
    };
    if (cluster) {
      // Best effort: a broker that refuses it leaves a session that only costs it memory.
      await endSingleServiceSession({ url: mqttUrl, username: credentials.username, password: credentials.password, clientId: SERVICE_CLIENT_ID }).then(
        (wasKept) => wasKept && logger.warn({ clientId: SERVICE_CLIENT_ID }, 'ended the MQTT session the single service kept on the broker (this plant now runs as a cluster); devices send again what it held'),
        (error: unknown) => logger.warn({ error: (error as Error).message }, 'could not end the MQTT session a single service may have kept on the broker'),
      );
    }
    // In a cluster the tail of every instance's commits feeds memory (cluster/commit-feed.ts), this one's too.
    const feedFrom = cluster ? await storage.lastStorageSeq() : 0;
    /** A single service's commits while its parts load (`lead`); null once they run. */
    let startupCommits: StoredEventInput[] | null = [];
    const handle = createIngestHandler({
      storage,
      index,
      usersById: holder.usersById,
      metrics,
      clock,
      now,
      log,
      refusals,
      onCommitted: (records) => {
        if (cluster) return;
        if (!startupCommits) return committed(records);
        for (const r of records) startupCommits.push(r);
      },
    });
    // Connector health is not ingest: kept in memory, never acked; subscribed on its own (below),
    // so a service resuming an older persistent session gets it too. Device reports likewise (liveFilters).
    const healthFilter = topics.connectorHealthFilter(index().site);
    const healthPrefix = healthFilter.slice(0, -1);
    const route = (topic: string, payload: Buffer) =>
      topic.startsWith(healthPrefix) ? connectorHealth.receive(topic, payload).then(() => []) : deviceReports.take(topic, payload) ? Promise.resolve([]) : handle(topic, payload);
    const ingestFilters = topics.ingestFilters(index().site);
    client = await connectServiceClient({
      url: mqttUrl,
      ...credentials,
      clientId: cluster ? `${SERVICE_CLIENT_ID}-${cluster.instanceId}` : SERVICE_CLIENT_ID,
      // The embedded broker (Aedes) speaks 3.1.1; an external one MQTT 5 where it can.
      protocolVersion: broker ? 4 : 'auto',
      // Instances share the ingest: each message goes to one of them (MQTT 5 shared subscription).
      filters: cluster ? ingestFilters.map((f) => sharedFilter(cluster.group, f)) : ingestFilters,
      session: cluster ? 'clean' : 'persistent',
      liveFilters: [topics.deviceStatusFilter(index().site)],
      handle: route,
      log,
    });
    client.client.subscribe(healthFilter, { qos: 1 }, (error) => error && log('cannot subscribe to connector health', { error: error.message }));
    // Subscribed: devices may connect to the embedded broker now (startup-gate.ts).
    brokerSide.openGate();
    stops.push(() => client!.close());
    const demoReady = config.isDemo ? new Promise<void>((resolve) => (demoStored = resolve)) : undefined;
    /**
     * The work done once per service, not per instance: live figures, hourly buckets, shift reports,
     * station logs and andon. A single service does it from the start; in a cluster the leader does.
     */
    const lead = async (publish: Publish, version?: () => number, leading?: Leading) => {
      const fence = leading?.fence;
      // Live first: the statuses and figures screens show come back before the rest (a new leader).
      live = await startReloadableLive({ storage, plant: holder.plant(), index: index(), configVersion: holder.version(), now, intervalMs: config.oeeIntervalMs, publish, log, monitoring, onRead: andon.onRead, ...(version ? { version } : {}) });
      leadStops.push(async () => live?.stop());
      // What the writer was handed: a leader's feed; a single service's commits once its parts loaded.
      const handedThrough = leading?.handedThrough ?? (() => (startupCommits ? 0 : Number.POSITIVE_INFINITY));
      buckets = startBucketWriter({ storage, plant: holder.plant(), now, log, monitoring, handedThrough, ...(fence ? { fence } : {}), ...(overrides.bucketFlushMs ? { flushMs: overrides.bucketFlushMs } : {}) });
      leadStops.push(async () => buckets?.stop());
      // Shift reports: made at each shift's end (and at start for shifts ended while down), stored, announced.
      const scheduler = startReportScheduler({ ...reportOptions(config, overrides, smtp), storage, plant: holder.plant(), now, log, monitoring, publish, ...(demoReady ? { ready: demoReady } : {}) });
      reports = scheduler;
      void scheduler.runOnce().catch((error: unknown) => logger.error({ error }, 'shift reports at start failed'));
      leadStops.push(() => scheduler.stop());
      stationLogs = startStationLogPublisher({ storage, users: holder.users, index, now, publish, log, ...(version ? { version } : {}) });
      leadStops.push(async () => stationLogs?.stop());
      siteCard = startSiteCard({ holder, publish, now, log });
      await andon.start({ publish, committed, ...(leading ? { mayDeliver: leading.isHeld } : {}), ...(version ? { version } : {}) });
    };
    applyPlantLive(holder, { live: () => live, andon, buckets: () => buckets, reports: () => reports, siteCard: () => siteCard, broker: brokerSide });
    if (!cluster) {
      stops.push(stopLeading);
      // Ingest commits while the parts load from storage: given to them once loaded (they drop copies).
      await lead(client.publish);
      const late = startupCommits ?? [];
      startupCommits = null;
      committed(late);
    } else {
      role = await startCluster({ cluster, databaseUrl: config.databaseUrl!, storage, holder, revocations, andon, feedFrom, committed, lead, stopLeading, publish: client.publish, log, warn: (m, f) => logger.warn(f ?? {}, m), fail });
      stops.push(role.stop);
    }

    // Assigned inside `lead` (TypeScript cannot see that through the closure).
    const demoBuckets = buckets as BucketWriter | null;
    if (config.isDemo && demoBuckets) {
      const stopDemo = await startDemo({
        plant, index: index(), storage, tokens, claims, dynsec, isEmbeddedBroker: broker !== null, simCredentialsFile: config.simCredentialsFile,
        mqttUrl, backfillDays: config.demoBackfillDays, buckets: demoBuckets, now, log,
        warn: (m) => logger.warn(m),
        error: (error, m) => logger.error({ error }, m),
        onStored: demoStored,
        reloadLive: () => live!.reload(),
        onBackfilled: (records) => buckets?.touch(records),
        ...(overrides.simTickMs ? { tickMs: overrides.simTickMs } : {}),
        ...(overrides.simHeartbeatMs ? { heartbeatMs: overrides.simHeartbeatMs } : {}),
      });
      stops.push(stopDemo);
    }
    const httpPort = http.port;
    logger.info({ httpPort, mqttPort: broker?.tcpPort ?? null, storage: storage.kind, isDemo: config.isDemo }, 'floorboard service started');
    return { httpPort, mqttPort: broker?.tcpPort ?? null, storage, metrics, leaderEpoch: () => role?.epoch() ?? null, failed, close };
  } catch (error) {
    await close();
    throw error;
  }
}
