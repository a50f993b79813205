import type { MiddlewareHandler } from 'hono';
import type { Principal } from '../../core/access.ts';
import { FloorboardError, type User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { TokenService } from '../auth/tokens.ts';

/** Hono environment of the API: the authenticated principal. */
export type ApiEnv = { Variables: { principal: Principal } };

/** What the routes read; getters, so a reloaded plant is seen at once. */
export interface ApiDeps {
  index: () => PlantIndex;
  users: () => readonly User[];
  tokens: TokenService;
  now: () => number;
}

/** Requires `Authorization: Bearer <token>` and puts the principal on the context. */
export function requireAuth(tokens: TokenService): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new FloorboardError('unauthorized', 'missing "Authorization: Bearer <token>" header');
    const { principal } = await tokens.verify(match[1]);
    c.set('principal', principal);
    await next();
  };
}
