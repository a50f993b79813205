import { z } from 'zod';
import { principalOf, type Principal } from '../../core/access.ts';
import { FloorboardError, topicIdSchema, type User } from '../../core/index.ts';
import type { Guard, GuardVerdict } from './login-guard.ts';
import { isReservedClientId } from './reserved-client-ids.ts';
import { verifySecret } from './secrets.ts';
import type { IssuedToken, TokenService } from './tokens.ts';

/** The device id becomes the MQTT client id: the service's own ids are not for devices. */
const deviceIdSchema = topicIdSchema.check(z.refine((id) => !isReservedClientId(id), 'is reserved for the plant service'));

/** Body of POST /api/login (docs/api.md). */
export const loginRequestSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('badge'),
    badge: z.string().min(1).max(128),
    pin: z.string().min(1).max(128),
    deviceId: deviceIdSchema,
    /** The tablet's station: an operator not allowed there is refused here, not later by the broker. */
    stationId: z.optional(topicIdSchema),
  }),
  z.object({ kind: z.literal('password'), userId: topicIdSchema, password: z.string().min(1).max(1024), deviceId: deviceIdSchema }),
]);
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export interface LoginResponse extends IssuedToken {
  user: { id: string; name: string; role: User['role']; stations?: string[]; lines?: string[]; areas?: string[] };
  mqtt: { path: string; username: string; password: string; clientId: string };
}

// A hash of nothing anyone knows, checked when the badge or user is unknown so that the answer
// takes as long as for a real one (no user enumeration by timing).
const DECOY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export interface LoginDeps {
  users: () => readonly User[];
  tokens: TokenService;
  /** Failures per badge or user id. */
  guard: Guard;
  /** Failures per source address, whatever badge or user they try. */
  addressGuard?: Guard;
  now: () => number;
  mqttPath: string;
  /** Binds the device id to its first user and refuses others on it (`device-claims.ts`). */
  claimDevice?: (deviceId: string, user: Principal) => Promise<void>;
}

/**
 * Checks a login and issues a session. Operators sign in with badge and PIN, everyone else with
 * user id and password; gateways and operators cannot use the other kind. Failures are counted per
 * badge or user id and per source address; the guards slow them down, then lock out.
 */
export function createLogin(deps: LoginDeps) {
  return async function login(request: LoginRequest, source?: string): Promise<LoginResponse> {
    const key = request.kind === 'badge' ? `badge:${request.badge}` : `user:${request.userId}`;
    const now = deps.now();
    const address = source === undefined ? undefined : `addr:${source}`;
    const asked = [deps.guard.check(key, now), ...(address && deps.addressGuard ? [deps.addressGuard.check(address, now)] : [])];
    // An in-memory guard answers at once: no await, so check and count stay one step (see below).
    const verdicts = asked.some((v) => v instanceof Promise) ? await Promise.all(asked) : (asked as GuardVerdict[]);
    // The stricter refusal wins: a lockout over a slowdown, then the longer wait.
    const refusal = verdicts
      .filter((v) => v.kind !== 'allowed')
      .sort((a, b) => Number(b.kind === 'locked') - Number(a.kind === 'locked') || b.retryAfterMs - a.retryAfterMs)[0];
    if (refusal?.kind === 'locked') throw new FloorboardError('locked-out', 'too many failed attempts: locked out for a while', { data: { until: now + refusal.retryAfterMs } });
    if (refusal) throw new FloorboardError('slowed-down', 'too many failed attempts: wait before trying again', { data: { until: now + refusal.retryAfterMs } });
    // Counted as a failure before the (slow) check, and cleared on success: attempts that arrive
    // together then see each other, instead of all passing the guard before the first one fails.
    // A success takes back only its own attempt from the address count (defaultAddressGuardLimits).
    await settled([deps.guard.recordFailure(key, now), address ? deps.addressGuard?.recordFailure(address, now) : undefined]);
    const users = deps.users();
    const user =
      request.kind === 'badge'
        ? users.find((u) => u.role === 'operator' && u.badge === request.badge)
        : users.find((u) => u.id === request.userId && u.role !== 'operator');
    const hash = !user ? DECOY_HASH : user.role === 'operator' ? user.pinHash : user.passwordHash;
    const secret = request.kind === 'badge' ? request.pin : request.password;
    const isValid = (await verifySecret(secret, hash)) && user !== undefined;
    if (!isValid || !user) {
      throw new FloorboardError('unauthorized', request.kind === 'badge' ? 'unknown badge or wrong PIN' : 'unknown user or wrong password');
    }
    await settled([deps.guard.recordSuccess(key), address ? deps.addressGuard?.forgive(address) : undefined]);
    // Checked after the PIN, so a refusal tells nothing to someone who does not know it.
    if (request.kind === 'badge' && request.stationId !== undefined && user.role === 'operator' && !user.stations.includes(request.stationId)) {
      throw new FloorboardError('forbidden', `operator "${user.id}" may not work at station "${request.stationId}"`, { details: [request.stationId] });
    }
    const p = principalOf(user);
    await deps.claimDevice?.(request.deviceId, p);
    const issued = await deps.tokens.issue(user, request.deviceId);
    return {
      ...issued,
      user: {
        id: p.id,
        name: p.name,
        role: user.role,
        ...('stations' in p ? { stations: p.stations } : {}),
        ...('lines' in p ? { lines: p.lines } : {}),
        ...('areas' in p && p.areas ? { areas: p.areas } : {}),
      },
      mqtt: { path: deps.mqttPath, username: user.id, password: issued.token, clientId: request.deviceId },
    };
  };
}

/** Waits for the guards that keep their counts elsewhere (a cluster's, in PostgreSQL); an in-memory one has done it already. */
async function settled(steps: readonly (void | Promise<void> | undefined)[]): Promise<void> {
  if (steps.some((s) => s instanceof Promise)) await Promise.all(steps);
}
