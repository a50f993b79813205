import type { DeviceRevocation, DeviceRevocationInput, Storage } from '../storage/storage.ts';

export type DeviceRevocations = Awaited<ReturnType<typeof loadDeviceRevocations>>;

/**
 * The revoked devices, read from storage at start and kept in memory: every token check (HTTP
 * and broker CONNECT) asks `revokedAt` without a database read. A revocation is stored first
 * (with the claim it ends, in one transaction), then takes effect here.
 */
export async function loadDeviceRevocations(storage: Pick<Storage, 'listDeviceRevocations' | 'revokeDevice'>) {
  /** The newest revocation of each device. */
  const latest = new Map<string, DeviceRevocation>();
  for (const r of await storage.listDeviceRevocations()) latest.set(r.deviceId, r);
  return {
    /** When the device was last revoked (tokens issued until then are refused), if ever. */
    revokedAt: (deviceId: string): number | undefined => latest.get(deviceId)?.revokedAt,
    latest: (deviceId: string): DeviceRevocation | undefined => latest.get(deviceId),
    all: (): ReadonlyMap<string, DeviceRevocation> => latest,
    /** Reads them again: revocations another instance of a cluster stored (issue 16). Resolves how many are new. */
    async refresh(): Promise<number> {
      let fresh = 0;
      for (const r of await storage.listDeviceRevocations()) {
        if (latest.get(r.deviceId)?.id === r.id) continue;
        if ((latest.get(r.deviceId)?.revokedAt ?? -Infinity) <= r.revokedAt) fresh++;
        latest.set(r.deviceId, r);
      }
      return fresh;
    },
    async record(input: DeviceRevocationInput): Promise<DeviceRevocation> {
      const stored = await storage.revokeDevice(input);
      latest.set(stored.deviceId, stored);
      return stored;
    },
  };
}
