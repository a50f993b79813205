import { randomBytes } from 'node:crypto';
import { principalOf } from '../../core/access.ts';
import type { Plant, User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { DeviceClaims } from '../auth/device-claims.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { DynsecSessions } from '../broker/dynsec-sessions.ts';
import type { BucketWriter } from '../history/bucket-writer.ts';
import type { Storage, StoredEventInput } from '../storage/storage.ts';
import { prepareDemo } from './demo-start.ts';
import { loadGatewayCredentials } from './sim-credentials.ts';
import { startSimulator, type Simulator } from './simulator.ts';

type Gateway = Extract<User, { role: 'gateway' }>;
type CredentialsFor = (gw: Gateway, deviceId: string) => Promise<{ username: string; password: string }>;
/** A year: the demo's broker sessions outlive any demo run. */
const SIM_SESSION_MS = 365 * 86_400_000;
const HOUR_MS = 3600_000;

/**
 * How each simulated gateway signs in, always as itself with a gateway's scope, never with the
 * service's account: a token on the embedded broker; its own password from SIM_CREDENTIALS_FILE
 * on an external broker; or a broker client of its own made by dynamic security. Null: no way.
 */
async function simulatorCredentials(o: DemoOptions): Promise<CredentialsFor | null> {
  if (o.isEmbeddedBroker) return async (gw, deviceId) => ({ username: gw.id, password: (await o.tokens.issue(gw, deviceId)).token });
  if (o.simCredentialsFile) {
    const gateways = o.plant.users.filter((u): u is Gateway => u.role === 'gateway' && u.stations.length > 0);
    const fromFile = await loadGatewayCredentials(o.simCredentialsFile, gateways);
    return async (gw) => fromFile(gw);
  }
  const dynsec = o.dynsec;
  if (dynsec) {
    return async (gw, deviceId) => {
      const password = randomBytes(24).toString('base64url');
      const username = await dynsec.open({ principal: principalOf(gw), deviceId, password, expiresAt: o.now() + SIM_SESSION_MS });
      return { username, password };
    };
  }
  return null;
}

/** Writes every hour the buckets have marked, however long that takes (a flush already running skips its turn). */
async function writeBuckets(buckets: BucketWriter, now: () => number, isStopped: () => boolean): Promise<void> {
  for (let i = 0; i < 6000 && !isStopped() && buckets.staleFrom() < now() - 2 * HOUR_MS; i++) {
    await buckets.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface DemoOptions {
  plant: Plant;
  index: PlantIndex;
  storage: Storage;
  tokens: TokenService;
  claims: Pick<DeviceClaims, 'claim'>;
  dynsec: DynsecSessions | null;
  isEmbeddedBroker: boolean;
  simCredentialsFile: string | undefined;
  mqttUrl: string;
  backfillDays: number;
  buckets: BucketWriter;
  now: () => number;
  log: (m: string, f?: Record<string, unknown>) => void;
  warn: (m: string) => void;
  error: (error: unknown, m: string) => void;
  /** Called once the backfill is stored (or there is none): shift reports wait for it. */
  onStored: () => void;
  /** Loads the live figures again from storage once the backfill is in. */
  reloadLive: () => Promise<void>;
  onBackfilled: (records: readonly StoredEventInput[]) => void;
  tickMs?: number;
  heartbeatMs?: readonly [number, number];
}

/**
 * The --demo plant: the first start writes weeks of history in the background (the service
 * answers meanwhile), then simulated gateways publish like real ones. Returns how to stop it.
 */
export async function startDemo(o: DemoOptions): Promise<() => Promise<void>> {
  const credentials = await simulatorCredentials(o);
  if (!credentials) {
    o.onStored();
    o.warn('--demo with an external broker: set SIM_CREDENTIALS_FILE to the credentials.json of `floorboard broker-config --auth acl` (or use dynamic security); simulator not started');
    return async () => {};
  }
  // The simulated gateways claim their device ids as a login would, so nobody else can take them.
  const credentialsFor: CredentialsFor = async (gw, deviceId) => {
    await o.claims.claim(deviceId, principalOf(gw));
    return credentials(gw, deviceId);
  };
  let sim: Simulator | null = null;
  let isStopped = false;
  const demo = (async () => {
    const { sim: machines, stored } = await prepareDemo({
      plant: o.plant, index: o.index, storage: o.storage, now: o.now, log: o.log, days: o.backfillDays, isStopped: () => isStopped,
      onStored: o.onBackfilled,
    });
    o.onStored();
    if (isStopped) return;
    // Screens read the history at once: the current shift's live figures are loaded again from storage.
    if (stored > 0) await o.reloadLive();
    if (isStopped) return;
    sim = await startSimulator({ index: o.index, sim: machines, mqttUrl: o.mqttUrl, now: o.now, log: o.log, credentialsFor, ...(o.tickMs ? { tickMs: o.tickMs } : {}), ...(o.heartbeatMs ? { heartbeatMs: o.heartbeatMs } : {}) });
    // The hourly buckets of the whole history (trends, long reports), written while the demo
    // runs. Not awaited on shutdown: a month's write outlasts the shutdown's deadline.
    if (stored > 0)
      void writeBuckets(o.buckets, o.now, () => isStopped).then(() => {
        if (!isStopped) o.log('demo backfill: hourly buckets written');
      });
  })()
    .catch((error: unknown) => o.error(error, 'demo simulator failed'))
    .finally(o.onStored);
  return async () => {
    isStopped = true;
    await demo;
    await sim?.stop();
  };
}
