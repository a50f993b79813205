import { join } from 'node:path';
import {
  AttributeIds,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
  type ClientMonitoredItem,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
  type UserIdentityInfo,
} from 'node-opcua';
import type { OpcuaConnector } from '../core/gateway/connector.schema.ts';
import type { NodeChange, NodeRole } from '../core/gateway/station-signals.ts';
import { sleep, within } from './waits.ts';

export interface OpcuaWatchOptions {
  connector: OpcuaConnector;
  /** The password of `connector.user`, read from its environment variable by the caller. */
  password: string | undefined;
  /** Where the client keeps its certificate and trusted server certificates. */
  pkiDir: string;
  onChange: (change: NodeChange) => void;
  onConnected: (connected: boolean) => void;
  log: (message: string) => void;
  /** A failed connect or a lost connection (connector health). */
  onError?: (message: string) => void;
  backoff?: { initialMs: number; maxMs: number };
  /** The machine's clock is trusted for source timestamps; without one, the time the value arrived. */
  now?: () => number;
}

export interface OpcuaWatch {
  readonly connected: boolean;
  close: () => Promise<void>;
}



/** One station's share of an endpoint link: its nodes, monitored in the link's subscription. */
interface Member {
  options: OpcuaWatchOptions;
  connected: boolean;
  items: ClientMonitoredItem[];
}

/** One client, session and subscription per endpoint (and security and identity), shared by the stations read there. */
interface EndpointLink {
  members: Set<Member>;
  /** The live subscription, or null while (re)connecting. */
  subscription: ClientSubscription | null;
  abort: AbortController;
  wakeLost: () => void;
  running: Promise<void>;
}

/** The links of this process, by `linkKey`. */
const links = new Map<string, EndpointLink>();
const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30_000 };

const linkKey = (o: OpcuaWatchOptions) =>
  JSON.stringify([o.connector.endpoint, o.connector.securityMode, o.connector.securityPolicy, o.connector.user?.name ?? null, o.password ?? null, o.pkiDir]);

/** The first line of a failure: node-opcua's messages go on with stack-like detail. */
const firstLine = (error: unknown) => (error as Error).message.split('\n')[0] ?? '';

function setConnected(m: Member, value: boolean): void {
  if (value === m.connected) return;
  m.connected = value;
  m.options.onConnected(value);
}

/** Subscribes to a member's nodes as monitored items of the link's subscription. */
async function monitor(subscription: ClientSubscription, m: Member): Promise<void> {
  const now = m.options.now ?? Date.now;
  const roles = (Object.entries(m.options.connector.nodes) as [NodeRole, string | undefined][]).filter((r): r is [NodeRole, string] => r[1] !== undefined);
  const made = await Promise.allSettled(
    roles.map(async ([role, nodeId]) => {
      const item = await subscription.monitor({ nodeId, attributeId: AttributeIds.Value }, { samplingInterval: 50, discardOldest: true, queueSize: 100 }, TimestampsToReturn.Both);
      // The server answers a node it lacks (or may not read) with a bad status, not a failure.
      if (!item.statusCode.isGood()) {
        await within(item.terminate(), 2000);
        throw new Error(`${nodeId}: ${item.statusCode.name}`);
      }
      item.on('changed', (dv: DataValue) => {
        if (!dv.statusCode.isGood()) return;
        m.options.onChange({ role, value: dv.value.value, sourceTs: dv.sourceTimestamp?.getTime() ?? dv.serverTimestamp?.getTime() ?? now() });
      });
      return item;
    }),
  );
  const items = made.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = made.find((r) => r.status === 'rejected');
  if (failed) {
    // All of a station's nodes or none: a retry must not watch a node twice.
    await Promise.all(items.map((item) => within(item.terminate(), 2000)));
    throw failed.reason;
  }
  m.items = items;
}

/**
 * Monitors a member's nodes in the live subscription, then calls it connected. A node the server
 * refuses fails that station alone: it is tried again after a backoff while the link lives.
 */
async function attach(link: EndpointLink, m: Member, subscription: ClientSubscription, backoff: { initialMs: number; maxMs: number }): Promise<void> {
  for (let delay = backoff.initialMs; link.subscription === subscription && link.members.has(m); delay = Math.min(delay * 2, backoff.maxMs)) {
    try {
      await monitor(subscription, m);
      if (link.subscription === subscription && link.members.has(m)) setConnected(m, true);
      return;
    } catch (error) {
      const message = firstLine(error);
      m.options.log(`${m.options.connector.endpoint}: ${message}`);
      m.options.onError?.(message);
    }
    await sleep(delay, link.abort.signal);
  }
}

/**
 * The loop of one endpoint link: connects with the mapping's security mode, policy and identity,
 * subscribes to every member's nodes, and on any loss (server gone, session or subscription ended)
 * tears the client down and starts again after a backoff that doubles up to `maxMs`. Node-opcua's
 * own reconnection is off: one loop owns the connection, so "connected" is never a guess.
 */
async function runLink(link: EndpointLink, first: OpcuaWatchOptions): Promise<void> {
  const { connector } = first;
  const backoff = first.backoff ?? DEFAULT_BACKOFF;
  const log = (message: string) => {
    for (const m of link.members) m.options.log(message);
  };
  const certificates = new OPCUACertificateManager({ rootFolder: join(first.pkiDir, 'pki'), automaticallyAcceptUnknownCertificate: true });
  const identity: UserIdentityInfo | undefined = connector.user ? { type: UserTokenType.UserName, userName: connector.user.name, password: first.password ?? '' } : undefined;
  let delay = backoff.initialMs;
  while (!link.abort.signal.aborted) {
    const client = OPCUAClient.create({
      applicationName: 'floorboard-gateway',
      endpointMustExist: false,
      securityMode: MessageSecurityMode[connector.securityMode],
      securityPolicy: SecurityPolicy[connector.securityPolicy],
      clientCertificateManager: certificates,
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
      keepSessionAlive: true,
    });
    let session: ClientSession | undefined;
    try {
      const lost = new Promise<string>((resolve) => {
        client.once('connection_lost', () => resolve('connection lost'));
        client.once('close', () => resolve('connection closed'));
        link.wakeLost = () => resolve('closing');
      });
      await client.connect(connector.endpoint);
      session = await client.createSession(identity);
      session.on('session_closed', () => link.wakeLost());
      const subscription = await session.createSubscription2({
        requestedPublishingInterval: 100,
        requestedLifetimeCount: 60,
        requestedMaxKeepAliveCount: 10,
        maxNotificationsPerPublish: 10_000,
        publishingEnabled: true,
        priority: 1,
      });
      const ended = new Promise<string>((resolve) => subscription.once('terminated', () => resolve('subscription ended')));
      // Members that join from here on attach themselves.
      link.subscription = subscription;
      log(`connected to ${connector.endpoint}`);
      for (const m of link.members) void attach(link, m, subscription, backoff);
      delay = backoff.initialMs;
      const why = await Promise.race([lost, ended]);
      if (!link.abort.signal.aborted) {
        log(`${connector.endpoint}: ${why}`);
        for (const m of link.members) m.options.onError?.(why);
      }
    } catch (error) {
      const message = firstLine(error);
      log(`${connector.endpoint}: ${message}`);
      if (!link.abort.signal.aborted) for (const m of link.members) m.options.onError?.(message);
    }
    link.subscription = null;
    for (const m of link.members) setConnected(m, false);
    // A dead server answers nothing: don't wait for its goodbye longer than a moment.
    await within(session?.close(), 2000);
    await within(client.disconnect(), 2000);
    if (link.abort.signal.aborted) break;
    await sleep(delay, link.abort.signal);
    delay = Math.min(delay * 2, backoff.maxMs);
  }
}

/**
 * Watches one machine's nodes. Stations read at the same endpoint, with the same security and
 * identity, share one client, session and subscription (as many machines behind one OPC UA server
 * or aggregator are): one session per station cost the gateway most of its CPU in its publish
 * traffic. A station that joins a live link gets its nodes added to the subscription; the last
 * one to close ends the link.
 */
export function watchOpcua(options: OpcuaWatchOptions): OpcuaWatch {
  const key = linkKey(options);
  let link = links.get(key);
  const member: Member = { options, connected: false, items: [] };
  if (!link) {
    const created: EndpointLink = { members: new Set([member]), subscription: null, abort: new AbortController(), wakeLost: () => {}, running: Promise.resolve() };
    created.running = runLink(created, options);
    links.set(key, (link = created));
  } else {
    link.members.add(member);
    if (link.subscription) void attach(link, member, link.subscription, options.backoff ?? DEFAULT_BACKOFF);
  }
  const joined = link;
  return {
    get connected() {
      return member.connected;
    },
    async close() {
      joined.members.delete(member);
      if (joined.members.size > 0) {
        await Promise.all(member.items.map((item) => within(item.terminate(), 2000)));
        return;
      }
      links.delete(key);
      joined.abort.abort();
      joined.wakeLost();
      await joined.running;
    },
  };
}
