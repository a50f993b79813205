import { z } from 'zod';
import { describeIssues, FloorboardError } from '../core/index.ts';
import { DEFAULT_MAX_AGE_MS, DEFAULT_MAX_AHEAD_MS } from './ingest/clock-tracker.ts';

const port = z.coerce.number({ message: 'must be a port number' }).int('must be a whole number').min(0).max(65535);
const positiveMs = (min: number) => z.coerce.number({ message: 'must be a number of milliseconds' }).int('must be a whole number').min(min);

/** Service configuration: one object, parsed once at start. */
export const configSchema = z.object({
  port: port.default(8080),
  mqttTcpPort: port.default(1883),
  host: z.string().min(1).default('0.0.0.0'),
  /** External broker; the embedded Aedes broker runs when absent. */
  mqttUrl: z
    .string()
    .regex(/^(mqtts?|wss?):\/\/[^\s]+$/, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')
    .optional(),
  /**
   * The external broker's WebSocket listener: the service carries `/mqtt` on its own port there,
   * so the app reaches MQTT where it was served from (written to service.env by `broker-config`).
   */
  mqttWsUrl: z
    .string()
    .regex(/^wss?:\/\/[^\s]+$/, 'must be a ws:// or wss:// URL')
    .optional(),
  /** Credentials of the service on an external broker (see `floorboard broker-config`). */
  mqttUsername: z.string().min(1).optional(),
  mqttPassword: z.string().min(1).optional(),
  /** PostgreSQL when set; SQLite in `dataDir` otherwise. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /**
   * PostgreSQL only: whole months of events older than this many months are dropped (their
   * partitions), daily. Unset: events are kept for ever.
   */
  eventRetentionMonths: z.coerce.number({ message: 'must be a number of months' }).int('must be a whole number').min(1).max(1200).optional(),
  /**
   * Several instances as one service (issue 16): ingest through the MQTT 5 shared subscription
   * `$share/<group>/...`, and one leader (a lease in PostgreSQL) for live figures, hourly buckets,
   * shift reports and andon. Needs MQTT_URL, a PostgreSQL DATABASE_URL and TOKEN_SECRET.
   */
  clusterGroup: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _ (a shared subscription name)').optional(),
  /** This instance's name in a cluster: its MQTT client id and lease holder; host name and process id when unset. */
  instanceId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, ., - or _').optional(),
  /**
   * The central service of many sites (issue 16): the central file (its sites and who watches
   * them); the service then reads every site's bridged stream from MQTT_URL instead of running a plant.
   */
  centralFile: z.string().min(1).optional(),
  dataDir: z.string().min(1).default('./data'),
  plantFile: z.string().min(1).default('plants/demo.plant.yaml'),
  /** HS256 key for tokens; generated and kept in `dataDir/secret` when absent. */
  tokenSecret: z.string().min(32, 'must be at least 32 characters').optional(),
  oeeIntervalMs: positiveMs(100).default(5000),
  clockOffsetLimitMs: positiveMs(0).default(60_000),
  /** Events further ahead of their receipt than this, after the device's clock offset, are refused (`bad-time`); the default is justified in clock-tracker.ts. */
  maxEventAheadMs: positiveMs(60_000).default(DEFAULT_MAX_AHEAD_MS),
  /** Events older than this at receipt are refused (`bad-time`): longer than any offline spell. */
  maxEventAgeMs: positiveMs(3600_000).default(DEFAULT_MAX_AGE_MS),
  /** Directory of the built PWA. */
  staticDir: z.string().min(1).default('dist'),
  /**
   * Bearer token for GET /metrics (Prometheus `authorization: { credentials: ... }`); an admin's
   * session token works too. Unset: admins only.
   */
  metricsToken: z.string().min(24, 'must be at least 24 characters').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  isDemo: z.boolean().default(false),
  /** With --demo: days of plant history the first start writes (0: none). */
  demoBackfillDays: z.coerce.number({ message: 'must be a number of days' }).int('must be a whole number').min(0).max(366).default(28),
  /**
   * With --demo and an external broker: the gateways' own broker passwords (`credentials.json` of
   * `floorboard broker-config --auth acl`). Not needed with the embedded broker or dynamic security.
   */
  simCredentialsFile: z.string().min(1).optional(),
  /** Shift reports: the language of the emailed PDF. */
  reportLanguage: z.enum(['en', 'de']).default('en'),
  /** Shift reports: POSTed here (JSON announcement) when made; retried with backoff. */
  reportWebhookUrl: z.string().regex(/^https?:\/\/\S+$/, 'must be an http:// or https:// URL').optional(),
  /** Shift reports by email: SMTP server (all of host, from and to are needed to send). */
  smtpHost: z.string().min(1).optional(),
  smtpPort: port.default(587),
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  smtpSecure: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false').transform((s) => s === 'true'),
  smtpUser: z.string().min(1).optional(),
  /** From the environment only (SMTP_PASSWORD): never in the plant file or the repository. */
  smtpPassword: z.string().min(1).optional(),
  /** Or a file that holds it (a container secret); the password is its content, trimmed. */
  smtpPasswordFile: z.string().min(1).optional(),
  reportEmailFrom: z.string().email('must be an email address').optional(),
  reportEmailTo: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.string().email('must be a comma-separated list of email addresses')).min(1, 'must name at least one address'))
    .optional(),
}).superRefine((c, ctx) => {
  if (c.eventRetentionMonths !== undefined && !c.databaseUrl)
    ctx.addIssue({ code: 'custom', path: ['eventRetentionMonths'], message: 'drops monthly partitions of PostgreSQL; set DATABASE_URL too (SQLite keeps every event)' });
  if (c.mqttWsUrl !== undefined && !c.mqttUrl)
    ctx.addIssue({ code: 'custom', path: ['mqttWsUrl'], message: 'is the WebSocket listener of an external broker: set MQTT_URL too (the embedded broker serves /mqtt itself)' });
  if (c.centralFile !== undefined) {
    if (!c.mqttUrl) ctx.addIssue({ code: 'custom', path: ['centralFile'], message: "the centre reads the sites' bridges on the central broker: set MQTT_URL (and MQTT_USERNAME, MQTT_PASSWORD) too" });
    if (c.isDemo) ctx.addIssue({ code: 'custom', path: ['centralFile'], message: 'the centre runs no plant: run it without --demo' });
    if (c.clusterGroup !== undefined) ctx.addIssue({ code: 'custom', path: ['centralFile'], message: 'the centre runs as one process: unset CLUSTER_GROUP' });
  }
  if (c.clusterGroup !== undefined) {
    // Every instance must read the same events, reach the same broker and accept each other's tokens.
    if (!c.databaseUrl) ctx.addIssue({ code: 'custom', path: ['clusterGroup'], message: 'instances share one PostgreSQL: set DATABASE_URL too' });
    if (!c.mqttUrl) ctx.addIssue({ code: 'custom', path: ['clusterGroup'], message: 'instances share one MQTT 5 broker: set MQTT_URL too (the embedded broker serves one process)' });
    if (!c.tokenSecret) ctx.addIssue({ code: 'custom', path: ['clusterGroup'], message: 'instances must accept each other\'s sign-ins: set the same TOKEN_SECRET on each' });
    if (c.isDemo) ctx.addIssue({ code: 'custom', path: ['clusterGroup'], message: 'the --demo simulator writes as one service; run a cluster without --demo' });
  }
});
export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

const envKeys: Record<string, keyof Config> = {
  PORT: 'port',
  MQTT_TCP_PORT: 'mqttTcpPort',
  HOST: 'host',
  MQTT_URL: 'mqttUrl',
  MQTT_WS_URL: 'mqttWsUrl',
  MQTT_USERNAME: 'mqttUsername',
  MQTT_PASSWORD: 'mqttPassword',
  DATABASE_URL: 'databaseUrl',
  EVENT_RETENTION_MONTHS: 'eventRetentionMonths',
  CLUSTER_GROUP: 'clusterGroup',
  INSTANCE_ID: 'instanceId',
  CENTRAL_FILE: 'centralFile',
  DATA_DIR: 'dataDir',
  PLANT_FILE: 'plantFile',
  TOKEN_SECRET: 'tokenSecret',
  OEE_INTERVAL_MS: 'oeeIntervalMs',
  CLOCK_OFFSET_LIMIT_MS: 'clockOffsetLimitMs',
  MAX_EVENT_AHEAD_MS: 'maxEventAheadMs',
  MAX_EVENT_AGE_MS: 'maxEventAgeMs',
  STATIC_DIR: 'staticDir',
  LOG_LEVEL: 'logLevel',
  METRICS_TOKEN: 'metricsToken',
  SIM_CREDENTIALS_FILE: 'simCredentialsFile',
  DEMO_BACKFILL_DAYS: 'demoBackfillDays',
  REPORT_LANGUAGE: 'reportLanguage',
  REPORT_WEBHOOK_URL: 'reportWebhookUrl',
  SMTP_HOST: 'smtpHost',
  SMTP_PORT: 'smtpPort',
  SMTP_SECURE: 'smtpSecure',
  SMTP_USER: 'smtpUser',
  SMTP_PASSWORD: 'smtpPassword',
  SMTP_PASSWORD_FILE: 'smtpPasswordFile',
  REPORT_EMAIL_FROM: 'reportEmailFrom',
  REPORT_EMAIL_TO: 'reportEmailTo',
};
const keyToEnv = new Map(Object.entries(envKeys).map(([env, key]) => [key, env]));

/** Command-line flags that take a value, and the key they set (they win over the environment). */
const argKeys: Record<string, keyof Config> = {
  '--port': 'port',
  '--mqtt-port': 'mqttTcpPort',
  '--host': 'host',
  '--plant': 'plantFile',
  '--data-dir': 'dataDir',
  '--central': 'centralFile',
};

/**
 * Parses the configuration from the environment and the command line. Empty variables count as
 * unset. Throws `invalid-config` listing every bad value at once, named as the user wrote it.
 * @example const config = parseConfig(process.env, process.argv.slice(2));
 */
export function parseConfig(env: Record<string, string | undefined>, argv: readonly string[]): Config {
  const raw: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(envKeys)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag === '--demo') raw.isDemo = true;
    else if (flag in argKeys) {
      const value = inline ?? argv[++i];
      if (value === undefined) problems.push(`${flag}: needs a value`);
      else raw[argKeys[flag] as string] = value;
    } else problems.push(`${arg}: unknown argument (known: --demo, ${Object.keys(argKeys).join(', ')})`);
  }
  if (raw.smtpPassword !== undefined && raw.smtpPasswordFile !== undefined) problems.push('SMTP_PASSWORD, SMTP_PASSWORD_FILE: set one of them, not both');
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const [i, line] of describeIssues(result.error).entries()) {
      const key = result.error.issues[i]?.path[0];
      const env = typeof key === 'string' ? keyToEnv.get(key as keyof Config) : undefined;
      problems.push(env ? line.replace(String(key), env) : line);
    }
  }
  if (problems.length > 0) throw new FloorboardError('invalid-config', `invalid configuration (${problems.length} problem${problems.length > 1 ? 's' : ''})`, { details: problems });
  return result.data as Config;
}
