import type { MiddlewareHandler } from 'hono';

/** Hashed build output (`assets/name-<hash>.js`): its content never changes under its name. */
const HASHED_ASSET = /^\/(central-)?assets\/.+-[\w-]{8,}\.[a-z0-9]+$/i;

/**
 * Cache-Control on every response, chosen by what it is:
 * - the API, health and metrics: `no-store` (tokens, roster PIN hashes and live figures must not
 *   sit in a shared or disk cache);
 * - hashed assets: a year, immutable;
 * - everything else, above all `sw.js`, the HTML shell and the manifest: `no-cache`, so the browser
 *   revalidates each time and a new version (a new service worker) reaches the tablets at once.
 */
export const cacheHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const path = c.req.path;
  if (path.startsWith('/api/') || path === '/api' || path === '/healthz' || path === '/metrics') c.header('Cache-Control', 'no-store');
  else if (c.res.status === 200 && HASHED_ASSET.test(path)) c.header('Cache-Control', 'public, max-age=31536000, immutable');
  else c.header('Cache-Control', 'no-cache');
};
