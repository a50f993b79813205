import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiEnv } from './app-context.ts';
import { parseInput } from './http-errors.ts';
import { scopeOf, type HistoryDeps } from './history-scope.ts';

/** Largest page of `GET /api/events`; the default. */
export const MAX_EXPORT_PAGE = 10_000;

const pageSchema = z.object({
  /** `X-Next-Cursor` of the previous page: events stored after it. */
  cursor: z.string().regex(/^\d{1,15}$/, 'must be the X-Next-Cursor of the previous page').transform(Number).optional(),
  limit: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, `must be 1..${MAX_EXPORT_PAGE}`).max(MAX_EXPORT_PAGE, `must be 1..${MAX_EXPORT_PAGE}`).default(MAX_EXPORT_PAGE),
});

/**
 * GET /api/events: the stored events of the lines the caller may read, with corrected time in
 * [from, to), as NDJSON (one event per line, `ts` = the corrected time every OEE query uses, so
 * `floorboard oee` over them computes what the service shows). Paged in storage order: a full page
 * carries `X-Next-Cursor`; pass it as `cursor` for the next. Same scope rules as every history
 * route (history-scope.ts): a line out of scope is 403; gateways are refused by the router.
 */
export function exportRoutes(deps: HistoryDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get('/events', async (c) => {
    const { query, lineIds } = scopeOf(deps, c);
    const page = parseInput(pageSchema, c.req.query(), 'query');
    const result = await deps.storage.listEvents({ lineIds, from: query.from, to: query.to, orderBy: 'seq', limit: page.limit, ...(page.cursor !== undefined ? { afterSeq: page.cursor } : {}) });
    const rows = result.events.length + result.unreadable.length;
    if (rows === page.limit && result.lastSeq !== null) c.header('X-Next-Cursor', String(result.lastSeq));
    // Rows that no longer parse as events are left out and counted: nothing to recompute from them.
    if (result.unreadable.length > 0) c.header('X-Unreadable-Events', String(result.unreadable.length));
    c.header('Content-Type', 'application/x-ndjson; charset=utf-8');
    return c.body(result.events.map((r) => `${JSON.stringify({ ...r.event, ts: r.correctedTs })}\n`).join(''));
  });
  return app;
}
