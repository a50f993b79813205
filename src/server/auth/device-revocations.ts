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
    /** Reads them again: revocations another instance of a cluster stored (issue 16). Resolves how many devices have a later revocation than known. */
    async refresh(): Promise<number> {
      const fresh = new Set<string>();
      for (const r of await storage.listDeviceRevocations()) {
        // Only a later revocation replaces the one known: an older one of the same device (read
        // first, in time order) must neither take its place for a moment nor count as new.
        if (!isLater(r, latest.get(r.deviceId))) continue;
        latest.set(r.deviceId, r);
        fresh.add(r.deviceId);
      }
      return fresh.size;
    },
    async record(input: DeviceRevocationInput): Promise<DeviceRevocation> {
      const stored = await storage.revokeDevice(input);
      latest.set(stored.deviceId, stored);
      return stored;
    },
  };
}

/** Whether `r` is later than `known`: by revocation time, then by id (two revocations in one millisecond). */
function isLater(r: DeviceRevocation, known: DeviceRevocation | undefined): boolean {
  if (!known) return true;
  return r.revokedAt > known.revokedAt || (r.revokedAt === known.revokedAt && r.id > known.id);
}
