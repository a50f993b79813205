import type { Principal } from '../../core/access.ts';
import { FloorboardError, type User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { Storage } from '../storage/storage.ts';

/**
 * May `user` sign in with a device id that `owner` claimed (first signed in with)? The owner
 * always may, and an admin (who reads and writes everything anyway, and re-enrols tablets). A
 * tablet enrolled by a lead or an admin is shared by the operators of its stations, so operators
 * may use a device claimed by a lead of one of their lines, by an admin, or by an operator they
 * share a station with. Nobody else: a gateway's, a manager's or a dashboard's id is its owner's
 * alone (its persistent session holds that owner's queued messages and acks).
 */
export function mayShareDevice(owner: User, user: Principal, index: PlantIndex): boolean {
  if (owner.id === user.id || user.role === 'admin') return true;
  if (user.role !== 'operator') return false;
  switch (owner.role) {
    case 'admin':
      return true;
    case 'lead':
      return user.stations.some((s) => owner.lines.includes(index.stations.get(s)?.line ?? ''));
    case 'operator':
      return user.stations.some((s) => owner.stations.includes(s));
    default:
      return false;
  }
}

export interface DeviceClaimsDeps {
  storage: Pick<Storage, 'claimDevice' | 'getDeviceClaim'>;
  findUser: (id: string) => User | undefined;
  index: () => PlantIndex;
  now: () => number;
  /** Was the device ever revoked? Then only a password sign-in (a lead's or admin's enrolment, a gateway's own) claims it again. */
  wasRevoked?: (deviceId: string) => boolean;
}

export type DeviceClaims = ReturnType<typeof createDeviceClaims>;

/**
 * Device ids bound to the user who first signed in with them (persisted, so a restart keeps them).
 * Login claims; the embedded broker asks who owns a client id at CONNECT (takeover, old tokens).
 */
export function createDeviceClaims(deps: DeviceClaimsDeps) {
  /** Owner per device id; a claim changes only by a revocation, which calls `forget`. */
  const owners = new Map<string, string>();

  /** Why `user` may not use the device `owner` claimed, or null when it may. */
  const refusal = (deviceId: string, ownerId: string, user: Principal): string | null => {
    const owner = deps.findUser(ownerId);
    if (!owner) return `device "${deviceId}" belongs to "${ownerId}", who is no longer a user of this plant: enrol the device again`;
    return mayShareDevice(owner, user, deps.index()) ? null : `device "${deviceId}" belongs to ${owner.role} "${owner.id}": sign in on your own device`;
  };

  /** The user id that owns the device, if it was ever claimed. */
  const ownerOf = async (deviceId: string): Promise<string | undefined> => {
    const cached = owners.get(deviceId);
    if (cached !== undefined) return cached;
    const claim = await deps.storage.getDeviceClaim(deviceId);
    if (claim) owners.set(deviceId, claim.userId);
    return claim?.userId;
  };

  return {
    /** The claim was deleted (a revocation): the next sign-in claims afresh. */
    forget: (deviceId: string) => void owners.delete(deviceId),
    /** The device's owner (if claimed), and why this user may not connect with it (null: it may). */
    async check(deviceId: string, user: Principal): Promise<{ ownerId: string | undefined; refusal: string | null }> {
      const ownerId = await ownerOf(deviceId);
      return { ownerId, refusal: ownerId === undefined ? null : refusal(deviceId, ownerId, user) };
    },
    /** Claims the device for the user at its first sign-in; throws `forbidden` when it is someone else's. */
    async claim(deviceId: string, user: Principal): Promise<void> {
      // A revoked tablet must be enrolled again: an operator's PIN on it does not re-enrol it.
      if (user.role === 'operator' && deps.wasRevoked?.(deviceId) && (await ownerOf(deviceId)) === undefined)
        throw new FloorboardError('device-revoked', `device "${deviceId}" was revoked by an admin: a lead or an admin must enrol it again`);
      const ownerId = owners.get(deviceId) ?? (await deps.storage.claimDevice({ deviceId, userId: user.id, claimedAt: deps.now() })).userId;
      owners.set(deviceId, ownerId);
      const why = refusal(deviceId, ownerId, user);
      if (why) throw new FloorboardError('forbidden', why);
    },
  };
}
