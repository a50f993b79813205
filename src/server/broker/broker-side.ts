import { randomBytes } from 'node:crypto';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { User } from '../../core/index.ts';
import type { DeviceClaims } from '../auth/device-claims.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { ServiceMetrics } from '../metrics.ts';
import { createBrokerAuth } from './broker-auth.ts';
import { SERVICE_USERNAME } from './connect-check.ts';
import { connectDynsec, type DynsecSessions } from './dynsec-sessions.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';
import type { RefusalSeal } from './refusal-seal.ts';
import { gateUntilIngestReady } from './startup-gate.ts';

/** The broker as the service uses it: the embedded one, or an external one (with dynamic security when it has it). */
export interface BrokerSide {
  /** Null with an external broker. */
  broker: EmbeddedBroker | null;
  url: string;
  /** The service's own account on the broker. */
  credentials: { username: string; password: string };
  /** Lets devices connect (the embedded broker holds them until ingest listens). */
  openGate: () => void;
  /** One broker client per login on an external broker with the dynamic-security plugin (ADR 0004). */
  dynsec: DynsecSessions | null;
  /** A new plant version: the sessions of `userIds` end now (they sign in again), new scopes exist on the broker. */
  applyPlant: (userIds: ReadonlySet<string>) => Promise<void>;
  /** Ends the device's broker sessions now (a revocation); resolves how many it ended. */
  dropDevice: (deviceId: string) => Promise<number>;
  close: () => Promise<void>;
}

export interface BrokerSideOptions {
  host: string;
  tcpPort: number;
  /** An external broker's URL and the account `floorboard broker-config` wrote into service.env; none: the embedded one. */
  external?: { url: string; username: string | undefined; password: string | undefined };
  index: () => PlantIndex;
  tokens: TokenService;
  findUser: (id: string) => User | undefined;
  claims: Pick<DeviceClaims, 'check'>;
  refusals: RefusalSeal;
  metrics: ServiceMetrics;
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
  onDenied: (what: string, clientId: string | undefined, detail: string) => void;
  onClientReady: (clientId: string) => void;
  /** Client id of the dynamic-security session of an external broker. */
  dynsecClientId: string;
  /** Instances of a cluster share the broker: each expires the sessions any of them opened (every this often). */
  dynsecSweepMs?: number;
}

const loopback = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

/** Starts the embedded broker (with a fresh service password) or connects to the external one's dynamic security. */
export async function startBrokerSide(o: BrokerSideOptions): Promise<BrokerSide> {
  if (o.external) {
    const credentials = { username: o.external.username ?? SERVICE_USERNAME, password: o.external.password ?? '' };
    const dynsec = await connectDynsec({ url: o.external.url, ...credentials, clientId: o.dynsecClientId, index: o.index, now: o.now, log: o.log, ...(o.dynsecSweepMs ? { sweepEveryMs: o.dynsecSweepMs } : {}) });
    return {
      broker: null, url: o.external.url, credentials, openGate: () => {}, dynsec,
      applyPlant: async (ids) => dynsec?.applyPlant(ids),
      dropDevice: async (id) => (dynsec ? dynsec.revokeDevice(id) : 0),
      close: async () => dynsec?.close(),
    };
  }
  const servicePassword = randomBytes(32).toString('base64url');
  const auth = createBrokerAuth({ index: o.index, tokens: o.tokens, servicePassword, now: o.now, onDenied: o.onDenied, findUser: o.findUser, claims: o.claims, refusals: o.refusals });
  const gate = gateUntilIngestReady(auth, SERVICE_USERNAME);
  const broker = await startEmbeddedBroker({ host: o.host, tcpPort: o.tcpPort, auth: gate.auth, metrics: o.metrics, log: o.log, onClientReady: o.onClientReady });
  return {
    broker,
    url: `mqtt://${loopback(o.host)}:${broker.tcpPort}`,
    credentials: { username: SERVICE_USERNAME, password: servicePassword },
    openGate: gate.open,
    dynsec: null,
    applyPlant: async (ids) => auth.endSessionsOf(ids),
    dropDevice: async (id) => Number(auth.closeDevice(id)),
    close: () => broker.close(),
  };
}
