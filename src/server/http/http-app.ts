import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { FloorboardError } from '../../core/index.ts';
import { bodyLimit } from 'hono/body-limit';
import type { createLogin } from '../auth/login.ts';
import type { ServiceMetrics } from '../metrics.ts';
import type { ApiDeps, ApiEnv } from './app-context.ts';
import { authRoutes } from './auth-routes.ts';
import { cacheHeaders } from './cache-headers.ts';
import { renderError } from './http-errors.ts';
import { securityHeaders } from './security-headers.ts';

export interface HttpAppOptions {
  deps: ApiDeps;
  login: ReturnType<typeof createLogin>;
  metrics: ServiceMetrics;
  /** Readiness of the parts /healthz reports. */
  health: () => Record<string, boolean | string>;
  /** Built PWA; served when the directory exists. */
  staticDir: string;
  /** More API routes, mounted under /api. */
  extraApi?: Hono<ApiEnv>;
  /** Bearer token a scraper sends for /metrics (METRICS_TOKEN); admins' tokens are accepted too. */
  metricsToken?: string;
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * /metrics tells how busy each line and device is and which are failing: for the scraper's token or
 * an admin, not for anyone on the network.
 */
function requireMetricsAccess(options: HttpAppOptions): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (!token) throw new FloorboardError('unauthorized', 'missing "Authorization: Bearer <token>" header: METRICS_TOKEN or an admin\'s token');
    if (options.metricsToken !== undefined && sameSecret(token, options.metricsToken)) return next();
    const { principal } = await options.deps.tokens.verify(token);
    if (principal.role !== 'admin') throw new FloorboardError('forbidden', 'metrics are for the METRICS_TOKEN scraper and admins');
    return next();
  };
}

/** The HTTP surface: /healthz, /metrics, /api/*, and the PWA with a strict CSP. */
/**
 * What every HTTP surface of Floorboard has (the plant service's and the centre's): strict
 * security and cache headers, errors and unknown routes as JSON, /healthz (503 when a part is
 * false), and a body limit on /api/*.
 */
export function baseApp(o: { now: () => number; health: () => Record<string, boolean | string> }): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use('*', securityHeaders);
  app.use('*', cacheHeaders);
  app.onError((error, c) => renderError(c, error, o.now));
  app.notFound((c) => c.json({ error: { code: 'not-found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));
  app.get('/healthz', (c) => {
    const parts = o.health();
    const isHealthy = Object.values(parts).every((v) => v !== false);
    return c.json({ status: isHealthy ? 'ok' : 'degraded', ...parts }, isHealthy ? 200 : 503);
  });
  // Nothing the API accepts is large; refuse big bodies before reading them.
  app.use(
    '/api/*',
    bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: { code: 'invalid-arguments', message: 'request body larger than 64 KiB' } }, 413) }),
  );
  return app;
}

export function createHttpApp(options: HttpAppOptions): Hono<ApiEnv> {
  const app = baseApp({ now: options.deps.now, health: options.health });
  app.get('/metrics', requireMetricsAccess(options), async (c) => {
    c.header('Content-Type', options.metrics.registry.contentType);
    return c.body(await options.metrics.registry.metrics());
  });
  app.route('/api', authRoutes(options.deps, options.login));
  if (options.extraApi) app.route('/api', options.extraApi);

  // Looked up per request, so a build made while the service runs is served at once.
  let statics: ReturnType<typeof serveStatic<ApiEnv>> | null = null;
  app.use('/*', (c, next) => {
    if (!existsSync(options.staticDir)) return next();
    statics ??= serveStatic<ApiEnv>({ root: options.staticDir });
    return statics(c, next);
  });
  // Client-side routes of the PWA fall back to its shell; /api and unknown files do not.
  const shell = join(options.staticDir, 'index.html');
  app.get('*', async (c, next) => {
    if (c.req.path.startsWith('/api/') || /\.[a-z0-9]+$/i.test(c.req.path) || !existsSync(shell)) return next();
    return c.html(await readFile(shell, 'utf8'));
  });
  return app;
}
