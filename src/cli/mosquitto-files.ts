import { join } from 'node:path';
import { principalOf } from '../core/access.ts';
import { MAX_PAYLOAD_BYTES, TOPIC_ROOT, topics } from '../core/index.ts';
import type { PlantIndex } from '../core/plant-index.ts';
import { SERVICE_USERNAME } from '../server/broker/connect-check.ts';
import { dynsecRoles } from '../server/broker/dynsec-roles.ts';
import { mosquittoHash, newBrokerPassword } from '../server/broker/mosquitto-hash.ts';
import { bridgeSection, type BridgeTarget } from './mosquitto-bridge.ts';
import { grantsFor, publishesOwnHealth, readsOwnAck, ROLE, serviceTopics } from '../server/broker/mosquitto-scopes.ts';

/** How the external broker authenticates: per-session clients through dynamic security, or static files. */
export type AuthMode = 'dynsec' | 'acl';

export interface BrokerConfigInput {
  index: PlantIndex;
  /** Absolute directory the files are written to; mosquitto.conf names them by absolute path. */
  dir: string;
  tcpPort: number;
  wsPort: number;
  bind: string | undefined;
  auth: AuthMode;
  plantSource: string;
  /** The dynamic-security plugin (Debian/Ubuntu path by default). */
  pluginPath: string;
  /** A site's bridge to the central broker (many sites); none for a single plant. */
  bridge?: BridgeTarget | undefined;
}

/** A file to write; `isSecret` files get mode 0600. */
export interface OutFile {
  name: string;
  text: string;
  isSecret: boolean;
  /**
   * Mosquitto itself opens it after dropping root for its own user, so (when written as root) it
   * belongs to that user. The service's secrets (service.env, credentials.json) stay root's.
   */
  isBrokerFile: boolean;
}

/** The head of every mosquitto.conf written here: what wrote it, and no anonymous client anywhere. */
export function confHead(what: string, command: string): string[] {
  return [`# Mosquitto 2 configuration ${what}, written by`, `# \`${command}\`. Regenerate instead of editing.`, 'per_listener_settings false', 'allow_anonymous false', ''];
}

/** A broker a service reads with a persistent session: what it has not acknowledged is kept, also over a restart. */
export function queueLines(dir: string): string[] {
  return [
    '# The default (1000 queued messages per client) would drop events while the service restarts.',
    'max_queued_messages 1000000',
    "# Above the service's own limit, so an oversize batch is dead-lettered by the service, not dropped here.",
    `max_packet_size ${4 * MAX_PAYLOAD_BYTES}`,
    'persistence true',
    `persistence_location ${join(dir, 'data')}/`,
  ];
}

function mosquittoConf(input: BrokerConfigInput, authLines: string[]): string {
  const bind = input.bind ? ` ${input.bind}` : '';
  return [
    ...confHead(`for the Floorboard plant "${input.index.site}"`, `floorboard broker-config --plant ${input.plantSource} --auth ${input.auth}`),
    '# Plain MQTT for machines and the Floorboard service; put TLS in front of both listeners in production.',
    `listener ${input.tcpPort}${bind}`,
    'protocol mqtt',
    '# MQTT over WebSocket for the tablets (serve it behind the same reverse proxy as the app, at /mqtt).',
    `listener ${input.wsPort}${bind}`,
    'protocol websockets',
    '',
    '# The service subscribes with a persistent session: keep what it has not acknowledged.',
    ...queueLines(input.dir),
    '',
    ...authLines,
    ...(input.bridge ? bridgeSection(input.index.site, input.bridge) : []),
    '',
  ].join('\n');
}

/** mosquitto.conf; with a bridge it holds the central broker's password: 0600, read by Mosquitto as it starts. */
function confFile(input: BrokerConfigInput, text: string): OutFile {
  return { name: 'mosquitto.conf', text, isSecret: input.bridge !== undefined, isBrokerFile: false };
}

/** Files of the dynamic-security mode: sessions are created by the service at each login. */
function dynsecFiles(input: BrokerConfigInput, servicePassword: string): OutFile[] {
  const { hash, salt, iterations } = mosquittoHash(servicePassword);
  const config = {
    clients: [
      {
        username: SERVICE_USERNAME,
        textName: 'Floorboard service',
        password: hash,
        salt,
        iterations,
        roles: [{ rolename: ROLE.service }, { rolename: ROLE.dynsecAdmin }],
      },
    ],
    groups: [],
    roles: dynsecRoles(input.index),
    // Deny all but unsubscribing: a session can do only what its roles allow, receiving included.
    defaultACLAccess: { publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: true },
  };
  const conf = mosquittoConf(input, [
    '# Authentication and access: the dynamic-security plugin. The service holds its admin role and',
    '# adds one client per login session (see docs/adr/0004-external-broker-auth.md).',
    `plugin ${input.pluginPath}`,
    `plugin_opt_config_file ${join(input.dir, 'dynamic-security.json')}`,
  ]);
  return [
    confFile(input, conf),
    // Holds only password hashes, but the plugin rewrites it with every session: keep it private.
    { name: 'dynamic-security.json', text: `${JSON.stringify(config, null, 2)}\n`, isSecret: true, isBrokerFile: true },
  ];
}

/**
 * Files of the static mode: password_file + acl_file, one random broker password per plant user
 * (in credentials.json). Suits machines and evaluation; tablets need dynsec mode, since their
 * login hands out a token, which Mosquitto cannot check (docs/adr/0004-external-broker-auth.md).
 */
function aclFiles(input: BrokerConfigInput, servicePassword: string): OutFile[] {
  const { index } = input;
  const credentials: Record<string, string> = { [SERVICE_USERNAME]: servicePassword };
  for (const u of index.plant.users) credentials[u.id] = newBrokerPassword();
  const passwords = Object.entries(credentials).map(([u, pw]) => `${u}:${mosquittoHash(pw).line}`);
  const svc = serviceTopics(index.site);
  // Sections are separated by one blank line and start with their `user` line (tests read them so).
  const acl = [`# ACL for the Floorboard plant "${index.site}" (Mosquitto acl_file), generated from core/access.ts.`, ''];
  acl.push(`user ${SERVICE_USERNAME}`, ...svc.read.map((t) => `topic read ${t}`), ...svc.write.map((t) => `topic write ${t}`), '');
  for (const user of index.plant.users) {
    const p = principalOf(user);
    // An admin reads and writes the site, but never a gateway's own connector health (core/access.ts).
    const admin = [`topic deny ${topics.connectorHealthFilter(index.site)}`, `topic readwrite ${TOPIC_ROOT}/${index.site}/#`];
    acl.push(`user ${user.id}`, ...(p.role === 'admin' ? admin : grantsFor(p, index).map((g) => `topic ${g.access} ${g.topic}`)), '');
  }
  // `pattern` applies to every user; %c is the connection's client id, i.e. the device id.
  // Without client-id binding (dynsec mode has it) any user could pick another device's id: see the ADR.
  const anyReadsAcks = index.plant.users.some((u) => readsOwnAck(principalOf(u), index));
  if (anyReadsAcks) acl.push('# Every device reads its own acknowledgements.', `pattern read ${topics.ack(index.site, '%c')}`, '');
  // The service keeps only reports of devices its gateway users claimed, for their own stations.
  if (index.plant.users.some((u) => publishesOwnHealth(principalOf(u), index))) acl.push('# A gateway publishes its connectors\' health on its own device topic.', `pattern write ${topics.connectorHealth(index.site, '%c')}`, '');
  acl.push('# Every device reports its app version and waiting entries on its own topic.', `pattern write ${topics.deviceStatus(index.site, '%c')}`, '');
  const conf = mosquittoConf(input, [
    '# Authentication and access: static files with long-lived per-user passwords (credentials.json).',
    '# For tablet sessions use `--auth dynsec` (docs/adr/0004-external-broker-auth.md).',
    `password_file ${join(input.dir, 'passwords')}`,
    `acl_file ${join(input.dir, 'acl')}`,
  ]);
  return [
    confFile(input, conf),
    { name: 'passwords', text: `${passwords.join('\n')}\n`, isSecret: true, isBrokerFile: true },
    { name: 'acl', text: acl.join('\n'), isSecret: false, isBrokerFile: true },
    { name: 'credentials.json', text: `${JSON.stringify(credentials, null, 2)}\n`, isSecret: true, isBrokerFile: false },
  ];
}

/**
 * Renders every file of a Mosquitto setup for the plant, plus `service.env` with the service's
 * broker account (MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD).
 */
export function renderBrokerConfig(input: BrokerConfigInput): OutFile[] {
  const servicePassword = newBrokerPassword();
  const files = input.auth === 'dynsec' ? dynsecFiles(input, servicePassword) : aclFiles(input, servicePassword);
  const host = !input.bind || input.bind === '0.0.0.0' ? '127.0.0.1' : input.bind;
  const env = [`MQTT_URL=mqtt://${host}:${input.tcpPort}`, `MQTT_WS_URL=ws://${host}:${input.wsPort}`, `MQTT_USERNAME=${SERVICE_USERNAME}`, `MQTT_PASSWORD=${servicePassword}`];
  files.push({ name: 'service.env', text: `${env.join('\n')}\n`, isSecret: true, isBrokerFile: false });
  return files;
}
