import { describeIssues, plantSchema } from '../../core/index.ts';
import type { DeviceRevocations } from '../auth/device-revocations.ts';
import type { PlantHolder } from '../plant-config/plant-holder.ts';
import type { Storage } from '../storage/storage.ts';

/** How often an instance looks for what another one changed: a plant version, a revocation. */
export const FOLLOW_EVERY_MS = 2000;

/**
 * What one instance of a cluster changes and every other must run on: a plant version applied
 * through another instance (its users, scopes, rules), and a device another instance revoked
 * (its tokens refused here too). Read from PostgreSQL every FOLLOW_EVERY_MS: both are rare, and
 * one small query each is cheaper than a channel of their own.
 */
export function followCluster(o: {
  storage: Pick<Storage, 'listPlantVersions' | 'getPlantVersion'>;
  holder: PlantHolder;
  revocations: Pick<DeviceRevocations, 'refresh'>;
  log: (message: string, fields?: Record<string, unknown>) => void;
  everyMs?: number;
}): { stop(): Promise<void>; look(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();

  async function look(): Promise<void> {
    const [newest] = await o.storage.listPlantVersions(1);
    if (newest && newest.version > o.holder.version()) {
      const stored = await o.storage.getPlantVersion(newest.version);
      const parsed = stored ? plantSchema.safeParse(JSON.parse(stored.plant)) : null;
      if (stored && parsed?.success) await o.holder.follow({ version: stored.version, plant: parsed.data, author: stored.author, sourceHash: stored.sourceHash });
      else if (parsed && !parsed.success) o.log('stored plant version no longer passes the plant schema; staying on the current one', { version: newest.version, issues: describeIssues(parsed.error) });
    }
    const fresh = await o.revocations.refresh();
    if (fresh > 0) o.log('device revocations of another instance taken', { count: fresh });
  }

  const timer = setInterval(() => {
    running = running.then(look).catch((error: unknown) => o.log('cluster: could not read what other instances changed', { error: (error as Error).message }));
  }, o.everyMs ?? FOLLOW_EVERY_MS);
  timer.unref();
  return {
    look: () => (running = running.then(look)),
    async stop() {
      clearInterval(timer);
      await running.catch(() => {});
    },
  };
}
