import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { principalOf, type Principal } from '../../core/access.ts';
import { FloorboardError, type User } from '../../core/index.ts';

const OPERATOR_TTL_MS = 12 * 3600_000;
const OTHER_TTL_MS = 8 * 3600_000;
const claimsSchema = z.object({ sub: z.string().min(1), role: z.string(), did: z.string().optional(), exp: z.number() });

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
 * @example const tokens = createTokenService(secret, (id) => usersById.get(id), Date.now);
 */
export function createTokenService(secret: string, findUser: (id: string) => User | undefined, now: () => number): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    async issue(user, deviceId) {
      const issuedAt = now();
      const expiresAt = issuedAt + (user.role === 'operator' ? OPERATOR_TTL_MS : OTHER_TTL_MS);
      const token = await new SignJWT({ role: user.role, did: deviceId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setIssuedAt(Math.floor(issuedAt / 1000))
        .setExpirationTime(Math.floor(expiresAt / 1000))
        .sign(key);
      return { token, expiresAt };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], currentDate: new Date(now()) });
        const claims = claimsSchema.parse(payload);
        const user = findUser(claims.sub);
        // A user removed from the plant or given another role loses its sessions at once.
        if (!user || user.role !== claims.role) throw new Error('user no longer in the plant with this role');
        return { principal: principalOf(user), deviceId: claims.did, expiresAt: claims.exp * 1000 };
      } catch (error) {
        throw new FloorboardError('unauthorized', 'invalid or expired token', { cause: error });
      }
    },
  };
}
