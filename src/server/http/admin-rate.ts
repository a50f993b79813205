import type { MiddlewareHandler } from 'hono';
import { FloorboardError } from '../../core/index.ts';
import type { ApiEnv } from './app-context.ts';

/** How many changing admin requests one admin may make per window. */
export interface AdminRateLimit {
  max: number;
  windowMs: number;
}
export const DEFAULT_ADMIN_RATE: AdminRateLimit = { max: 60, windowMs: 60_000 };

/**
 * Rate-limits an admin's changing requests (POST, PUT): each may hash a secret (scrypt, costly) or
 * recompute a month of history, so a runaway script or a stolen token cannot stall the service.
 * Refused with 429 `slowed-down` and when to try again. Reads are not limited.
 */
export function adminRateLimit(now: () => number, limit: AdminRateLimit = DEFAULT_ADMIN_RATE): MiddlewareHandler<ApiEnv> {
  const recent = new Map<string, number[]>();
  return async (c, next) => {
    if (c.req.method !== 'GET') {
      const at = now();
      const id = c.get('principal').id;
      const times = (recent.get(id) ?? []).filter((t) => t > at - limit.windowMs);
      if (times.length >= limit.max) throw new FloorboardError('slowed-down', `too many admin changes: at most ${limit.max} per ${limit.windowMs / 1000} s`, { data: { until: times[0]! + limit.windowMs } });
      times.push(at);
      recent.set(id, times);
    }
    await next();
  };
}
