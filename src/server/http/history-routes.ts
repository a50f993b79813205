import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { visibleLines } from '../../core/access.ts';
import { FloorboardError, topicIdSchema, type FloorEvent, type OeeQuery } from '../../core/index.ts';
import { computeOee } from '../../core/oee/engine.ts';
import { LineTimeline } from '../../core/oee/line-timeline.ts';
import { effectiveEvents } from '../../core/oee/normalize.ts';
import { reasonLosses } from '../../core/oee/query.schema.ts';
import { stopSegments } from '../../core/oee/stop-segments.ts';
import { renderCsv } from '../../cli/oee-csv.ts';
import type { HourlyBucket, Storage } from '../storage/storage.ts';
import { rollupBuckets } from './bucket-rollup.ts';
import { requireAuth, type ApiDeps, type ApiEnv } from './app-context.ts';
import { parseInput } from './http-errors.ts';

/** Events this long before `from` still shape the window (a stop open at its start). */
const LOOKBACK_MS = 24 * 3600_000;
const MAX_WINDOW_MS = 400 * 86_400_000;

/** An instant as ms since epoch or an ISO 8601 date-time. */
const instant = z.string({ message: 'is required: ms since epoch or an ISO 8601 date-time' }).transform((s, ctx) => {
  const ms = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (Number.isNaN(ms) || ms > 8.64e15) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not ms since epoch or an ISO 8601 date-time` });
    return z.NEVER;
  }
  return ms;
});

export const historyQuerySchema = z
  .object({
    from: instant,
    to: instant,
    by: z.enum(['hour', 'shift', 'day', 'window']).default('window'),
    line: z
      .string()
      .transform((s) => s.split(',').filter(Boolean))
      .pipe(z.array(topicIdSchema).min(1, 'must name at least one line'))
      .optional(),
  })
  .refine((q) => q.to > q.from, { message: 'must be after "from"', path: ['to'] })
  .refine((q) => q.to - q.from <= MAX_WINDOW_MS, { message: 'window is longer than 400 days', path: ['to'] });

/**
 * History API, all computed by the core engine from stored events on the service clock:
 * GET /api/oee, /api/stops, /api/timeline, /api/pareto, /api/report.csv. Every query is validated
 * and scoped: lines the caller may not see are refused (403), and no `line` means every line it sees.
 */
export function historyRoutes(deps: ApiDeps & { storage: Storage }): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use('/oee', requireAuth(deps.tokens));
  app.use('/stops', requireAuth(deps.tokens));
  app.use('/timeline', requireAuth(deps.tokens));
  app.use('/pareto', requireAuth(deps.tokens));
  app.use('/report.csv', requireAuth(deps.tokens));
  app.use('/oee/hourly', requireAuth(deps.tokens));

  /** Validates the query and the caller's scope; no storage read. */
  function scope(c: Context<ApiEnv>) {
    const q = parseInput(historyQuerySchema, c.req.query(), 'query');
    const index = deps.index();
    const visible = visibleLines(c.get('principal'), index);
    const unknown = (q.line ?? []).filter((l) => !index.lines.has(l));
    if (unknown.length) throw new FloorboardError('invalid-arguments', 'invalid query', { details: unknown.map((l) => `line: unknown line "${l}"`) });
    const hidden = (q.line ?? []).filter((l) => !visible.has(l));
    if (hidden.length) throw new FloorboardError('forbidden', `not allowed to read line ${hidden.join(', ')}`);
    const lineIds = q.line ?? [...index.lines.keys()].filter((l) => visible.has(l));
    const query: OeeQuery = { from: q.from, to: q.to, now: deps.now(), by: q.by, lineIds };
    return { query, lineIds, index };
  }

  async function load(c: Context<ApiEnv>) {
    const { query, lineIds, index } = scope(c);
    const page = await deps.storage.listEvents({ lineIds, from: Math.max(0, query.from - LOOKBACK_MS), to: query.to, orderBy: 'time' });
    const events: FloorEvent[] = page.events.map((r) => ({ ...r.event, ts: r.correctedTs }));
    return { query, events, index };
  }

  /** From the pre-aggregated hourly buckets: a year costs 8,760 rows per line, not a rescan of raw events. */
  app.get('/oee/hourly', async (c) => {
    const { query, lineIds } = scope(c);
    const rows = await deps.storage.listHourlyBuckets({ lineIds, from: query.from, to: query.to });
    const byLine = new Map<string, HourlyBucket[]>();
    for (const r of rows) byLine.set(r.lineId, [...(byLine.get(r.lineId) ?? []), r]);
    return c.json({
      from: query.from,
      to: query.to,
      lines: lineIds.map((id) => ({ id, buckets: byLine.get(id) ?? [], total: rollupBuckets(byLine.get(id) ?? []) })),
      total: rollupBuckets(rows),
    });
  });

  app.get('/oee', async (c) => {
    const { query, events, index } = await load(c);
    return c.json(computeOee(index.plant, events, query));
  });

  app.get('/pareto', async (c) => {
    const { query, events, index } = await load(c);
    const total = computeOee(index.plant, events, { ...query, by: 'window' }).site.total;
    const reasons = [...total.topReasons].sort((a, b) => b.durationMs - a.durationMs);
    return c.json({ from: query.from, to: query.to, lineIds: query.lineIds, lossMs: total.lossMs, reasons });
  });

  app.get('/report.csv', async (c) => {
    const { query, events, index } = await load(c);
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="oee-${new Date(query.from).toISOString().slice(0, 10)}.csv"`);
    return c.body(renderCsv(computeOee(index.plant, events, { ...query, by: c.req.query('by') ? query.by : 'shift' })));
  });

  /** Stop pieces per line as booked now, cut to the window. */
  function stopsOf(query: OeeQuery, events: FloorEvent[], index: ReturnType<ApiDeps['index']>) {
    const losses = reasonLosses(index.plant);
    const timelines = new Map((query.lineIds ?? []).map((id) => [id, new LineTimeline(index.lines.get(id)!.line)]));
    for (const e of effectiveEvents(events)) timelines.get(e.lineId)?.push(e);
    const end = Math.min(query.to, query.now);
    return [...timelines].map(([lineId, tl]) => {
      const seg = stopSegments(tl, query.now, losses, tl.line.smallStopThresholdSec * 1000);
      const stops = seg.pieces
        .filter((p) => p.end > query.from && p.start < end)
        .map((p) => ({ id: p.id, start: Math.max(p.start, query.from), end: Math.min(p.end, end), reasonId: p.reasonId, loss: p.loss, isOpen: p.end >= query.now }))
        .map((p) => ({ ...p, durationMs: p.end - p.start }));
      return { lineId, stops, segments: seg };
    });
  }

  app.get('/stops', async (c) => {
    const { query, events, index } = await load(c);
    return c.json({ from: query.from, to: query.to, lines: stopsOf(query, events, index).map(({ lineId, stops }) => ({ lineId, stops })) });
  });

  app.get('/timeline', async (c) => {
    const { query, events, index } = await load(c);
    const end = Math.min(query.to, query.now);
    const lines = stopsOf(query, events, index).map(({ lineId, segments }) => {
      // Disjoint stop segments; the gaps between them are run time.
      const out: { start: number; end: number; state: 'running' | 'stopped'; stopId: string | null; reasonId: string | null; loss: string | null }[] = [];
      let cursor = query.from;
      segments.start.forEach((s, i) => {
        const start = Math.max(s, query.from);
        const stop = Math.min(segments.end[i]!, end);
        if (stop <= start) return;
        if (start > cursor) out.push({ start: cursor, end: start, state: 'running', stopId: null, reasonId: null, loss: null });
        const piece = segments.pieces[segments.piece[i]!]!;
        out.push({ start, end: stop, state: 'stopped', stopId: piece.id, reasonId: piece.reasonId, loss: piece.loss });
        cursor = stop;
      });
      if (end > cursor) out.push({ start: cursor, end, state: 'running', stopId: null, reasonId: null, loss: null });
      return { lineId, segments: out };
    });
    return c.json({ from: query.from, to: query.to, lines });
  });
  return app;
}
