import { FloorboardError } from '../../core/index.ts';
import type { DeviceRevocation } from '../storage/storage.ts';
import type { DeviceClaims } from './device-claims.ts';
import type { DeviceRevocations } from './device-revocations.ts';

export interface RevokeDeps {
  revocations: Pick<DeviceRevocations, 'record'>;
  claims: Pick<DeviceClaims, 'forget'>;
  /** Ends the device's broker sessions now; resolves how many (embedded: its connection; Mosquitto: its clients). */
  dropBrokerSessions: (deviceId: string) => Promise<number>;
  /** Told after a revocation (the device's report is dropped). */
  onRevoked?: (deviceId: string) => void;
  now: () => number;
  /** The audit line: who revoked which device, whose claim it ended. */
  audit: (message: string, fields: Record<string, unknown>) => void;
}

export type RevokeDevice = ReturnType<typeof createRevokeDevice>;

/**
 * Revokes a device: stored first (the revocation row, the audit trail, and the claim deleted in
 * one transaction), so from then on its tokens are refused at the API and at the broker's CONNECT
 * and it must be enrolled again; then its open broker sessions are ended. A failure to end them is
 * reported, not undone: the stored revocation already refuses the device's next reconnect.
 */
export function createRevokeDevice(deps: RevokeDeps) {
  return async (deviceId: string, by: string, reason: string): Promise<DeviceRevocation & { closedSessions: number }> => {
    const revocation = await deps.revocations.record({ deviceId, revokedAt: deps.now(), revokedBy: by, reason });
    deps.claims.forget(deviceId);
    deps.onRevoked?.(deviceId);
    let closedSessions: number;
    try {
      closedSessions = await deps.dropBrokerSessions(deviceId);
    } catch (error) {
      deps.audit('device revoked; its broker sessions could not be ended', { deviceId, revokedBy: by, claimedBy: revocation.claimedBy, reason, error: (error as Error).message });
      throw new FloorboardError('internal', `device "${deviceId}" is revoked (its tokens are refused), but its open broker session could not be ended: ${(error as Error).message}`, { cause: error });
    }
    deps.audit('device revoked', { deviceId, revokedBy: by, claimedBy: revocation.claimedBy, reason, closedSessions });
    return { ...revocation, closedSessions };
  };
}
