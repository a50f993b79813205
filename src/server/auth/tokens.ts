import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { principalOf, type Principal } from '../../core/access.ts';
import { FloorboardError, type User } from '../../core/index.ts';

const OPERATOR_TTL_MS = 12 * 3600_000;
const OTHER_TTL_MS = 8 * 3600_000;
// `iam`: issued at, in ms (JWT's `iat` has whole seconds), what a device's revocation is compared with.
const claimsSchema = z.object({ sub: z.string().min(1), role: z.string(), did: z.string().optional(), exp: z.number(), iat: z.number().optional(), iam: z.number().optional() });

export interface IssuedToken {
  token: string;
  expiresAt: number;
}

export interface VerifiedToken {
  principal: Principal;
  /** The device the token was issued for; its MQTT client id. */
  deviceId: string | undefined;
  expiresAt: number;
}

/** Signs and verifies session tokens (HS256). Scope is looked up in the plant at each verify, never trusted from the token. */
export interface TokenService {
  issue(user: User, deviceId: string): Promise<IssuedToken>;
  /** Throws `unauthorized` for a bad, expired or orphaned token. */
  verify(token: string): Promise<VerifiedToken>;
}

/**
 * `revokedAt` tells when a device was last revoked: tokens issued for it until then are refused
 * with `device-revoked` (a new login after an enrolment gets a later one).
 *
 * @example const tokens = createTokenService(secret, (id) => usersById.get(id), Date.now, (id) => revocations.revokedAt(id));
 */
export function createTokenService(secret: string, findUser: (id: string) => User | undefined, now: () => number, revokedAt: (deviceId: string) => number | undefined = () => undefined): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    async issue(user, deviceId) {
      const issuedAt = now();
      const expiresAt = issuedAt + (user.role === 'operator' ? OPERATOR_TTL_MS : OTHER_TTL_MS);
      const token = await new SignJWT({ role: user.role, did: deviceId, iam: issuedAt })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setIssuedAt(Math.floor(issuedAt / 1000))
        .setExpirationTime(Math.floor(expiresAt / 1000))
        .sign(key);
      return { token, expiresAt };
    },
    async verify(token) {
      let claims: z.infer<typeof claimsSchema>;
      let user: User | undefined;
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], currentDate: new Date(now()) });
        claims = claimsSchema.parse(payload);
        user = findUser(claims.sub);
        // A user removed from the plant or given another role loses its sessions at once.
        if (!user || user.role !== claims.role) throw new FloorboardError('unauthorized', 'user no longer in the plant with this role');
      } catch (error) {
        throw new FloorboardError('unauthorized', 'invalid or expired token', { cause: error });
      }
      const revoked = claims.did === undefined ? undefined : revokedAt(claims.did);
      // A token without `iam` is older than revocations: its `iat` (whole seconds, rounded down) stands in.
      if (revoked !== undefined && (claims.iam ?? (claims.iat ?? 0) * 1000) <= revoked)
        throw new FloorboardError('device-revoked', `device "${claims.did}" was revoked by an admin: a lead or an admin must enrol it again`);
      return { principal: principalOf(user), deviceId: claims.did, expiresAt: claims.exp * 1000 };
    },
  };
}
