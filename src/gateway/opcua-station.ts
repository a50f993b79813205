import { join } from 'node:path';
import {
  AttributeIds,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
  type ClientSession,
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



/**
 * Watches one machine: connects with the mapping's security mode, policy and identity, subscribes
 * to its nodes as monitored items, and on any loss (server gone, session or subscription ended)
 * tears the client down and starts again after a backoff that doubles up to `maxMs`. Node-opcua's
 * own reconnection is off: one loop owns the connection, so "connected" is never a guess.
 */
export function watchOpcua(options: OpcuaWatchOptions): OpcuaWatch {
  const { connector, log } = options;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const now = options.now ?? Date.now;
  const abort = new AbortController();
  let connected = false;
  let wakeLost: () => void = () => {};
  const setConnected = (value: boolean) => {
    if (value === connected) return;
    connected = value;
    options.onConnected(value);
  };
  const certificates = new OPCUACertificateManager({ rootFolder: join(options.pkiDir, 'pki'), automaticallyAcceptUnknownCertificate: true });
  const identity: UserIdentityInfo | undefined = connector.user
    ? { type: UserTokenType.UserName, userName: connector.user.name, password: options.password ?? '' }
    : undefined;

  const loop = async () => {
    let delay = backoff.initialMs;
    while (!abort.signal.aborted) {
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
          wakeLost = () => resolve('closing');
        });
        await client.connect(connector.endpoint);
        session = await client.createSession(identity);
        session.on('session_closed', () => wakeLost());
        const subscription = await session.createSubscription2({
          requestedPublishingInterval: 100,
          requestedLifetimeCount: 60,
          requestedMaxKeepAliveCount: 10,
          maxNotificationsPerPublish: 1000,
          publishingEnabled: true,
          priority: 1,
        });
        const ended = new Promise<string>((resolve) => subscription.once('terminated', () => resolve('subscription ended')));
        for (const [role, nodeId] of Object.entries(connector.nodes) as [NodeRole, string | undefined][]) {
          if (nodeId === undefined) continue;
          const item = await subscription.monitor({ nodeId, attributeId: AttributeIds.Value }, { samplingInterval: 50, discardOldest: true, queueSize: 100 }, TimestampsToReturn.Both);
          item.on('changed', (dv: DataValue) => {
            if (!dv.statusCode.isGood()) return;
            options.onChange({ role, value: dv.value.value, sourceTs: dv.sourceTimestamp?.getTime() ?? dv.serverTimestamp?.getTime() ?? now() });
          });
        }
        setConnected(true);
        log(`connected to ${connector.endpoint}`);
        delay = backoff.initialMs;
        const why = await Promise.race([lost, ended]);
        if (!abort.signal.aborted) {
          log(`${connector.endpoint}: ${why}`);
          options.onError?.(why);
        }
      } catch (error) {
        const message = (error as Error).message.split('\n')[0] ?? '';
        log(`${connector.endpoint}: ${message}`);
        if (!abort.signal.aborted) options.onError?.(message);
      }
      setConnected(false);
      // A dead server answers nothing: don't wait for its goodbye longer than a moment.
      await within(session?.close(), 2000);
      await within(client.disconnect(), 2000);
      if (abort.signal.aborted) break;
      await sleep(delay, abort.signal);
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  };
  const running = loop();
  return {
    get connected() {
      return connected;
    },
    async close() {
      abort.abort();
      wakeLost();
      await running;
    },
  };
}
