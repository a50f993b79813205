import { Hono } from 'hono';
import { visibleLines } from '../../core/access.ts';
import { HANDOVER_OPEN_MS, handoverLog, openHandovers, type Handover } from '../../core/handovers.ts';
import { FloorboardError, topicIdSchema } from '../../core/index.ts';
import { effectiveEvents } from '../../core/oee/normalize.ts';
import { LOOKBACK_MS } from '../live/hourly-buckets.ts';
import type { ApiEnv } from './app-context.ts';
import { eventsBetween } from './bucket-history.ts';
import { scopeOf, type HistoryDeps } from './history-scope.ts';

/** Clock skew a tablet's entry may have and still count as written by now. */
const SKEW_MS = 5 * 60_000;

/**
 * GET /api/shift-log (notes and handovers of a window, with who acknowledged each handover where
 * and when) and GET /api/stations/:station/handovers (what the incoming operator at that station
 * must still read). Mounted behind the history router's auth; one rule for both: core/handovers.ts.
 */
export function handoverRoutes(deps: HistoryDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const namer = () => {
    const names = new Map(deps.users().map((u) => [u.id, u.name]));
    return (id: string) => names.get(id) ?? id;
  };
  const named = (h: Handover, name: (id: string) => string) => ({ ...h, authorName: name(h.author), acks: h.acks.map((a) => ({ ...a, authorName: name(a.author) })) });

  app.get('/shift-log', async (c) => {
    const { query, lineIds } = scopeOf(deps, c);
    // Acks come in the next shift: read on past the window's end.
    const events = await eventsBetween(deps.storage, lineIds, query.from, Math.max(query.to, Math.min(query.now, query.to + LOOKBACK_MS)));
    const name = namer();
    const inWindow = (ts: number) => ts >= query.from && ts < query.to;
    const handovers = handoverLog(events).filter((h) => inWindow(h.ts)).map((h) => named(h, name));
    const notes = effectiveEvents(events)
      .flatMap((e) => (e.type === 'note' && inWindow(e.ts) ? [{ id: e.id, ts: e.ts, lineId: e.lineId, stationId: e.stationId, author: e.author, authorName: name(e.author), text: e.text }] : []));
    return c.json({ from: query.from, to: query.to, lineIds, handovers, notes });
  });

  app.get('/stations/:station/handovers', async (c) => {
    const parsed = topicIdSchema.safeParse(c.req.param('station'));
    const index = deps.index();
    const station = parsed.success ? index.stations.get(parsed.data) : undefined;
    if (!station) throw new FloorboardError('not-found', `unknown station "${c.req.param('station')}"`);
    const p = c.get('principal');
    // An operator reads their own stations' handovers; others the stations of lines they see.
    const mayRead = p.role === 'operator' ? p.stations.includes(station.station) : visibleLines(p, index).has(station.line);
    if (!mayRead) throw new FloorboardError('forbidden', `not allowed to read the handovers of station "${station.station}"`);
    const now = deps.now();
    const events = await eventsBetween(deps.storage, [station.line], now - HANDOVER_OPEN_MS, now + SKEW_MS);
    const name = namer();
    const open = openHandovers(handoverLog(events), { id: station.station, lineId: station.line }, now + SKEW_MS).map((h) => named(h, name));
    return c.json({ stationId: station.station, at: now, handovers: open });
  });
  return app;
}
