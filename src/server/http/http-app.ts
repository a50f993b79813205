import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
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
}

/** The HTTP surface: /healthz, /metrics, /api/*, and the PWA with a strict CSP. */
export function createHttpApp(options: HttpAppOptions): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use('*', securityHeaders);
  app.use('*', cacheHeaders);
  app.onError((error, c) => renderError(c, error));
  app.notFound((c) => c.json({ error: { code: 'not-found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));

  app.get('/healthz', (c) => {
    const parts = options.health();
    const isHealthy = Object.values(parts).every((v) => v !== false);
    return c.json({ status: isHealthy ? 'ok' : 'degraded', ...parts }, isHealthy ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    c.header('Content-Type', options.metrics.registry.contentType);
    return c.body(await options.metrics.registry.metrics());
  });
  // Nothing the API accepts is large; refuse big bodies before reading them.
  app.use(
    '/api/*',
    bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: { code: 'invalid-arguments', message: 'request body larger than 64 KiB' } }, 413) }),
  );
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
