import { Hono } from 'hono';
import { handoverLog, type Handover } from '../../core/handovers.ts';
import { notesOf } from '../../core/station-log.ts';
import { LOOKBACK_MS } from '../history/hourly-buckets.ts';
import type { ApiEnv } from './app-context.ts';
import { eventsBetween } from '../history/bucket-history.ts';
import { scopeOf, type HistoryDeps } from './history-scope.ts';
import { sends } from './contract.ts';
import type { ShiftLogWire } from '../../core/contracts/shift-log.ts';

/**
 * GET /api/shift-log: the lead's line-level view of a window's notes and handovers, with who
 * acknowledged each handover where and when. Built from the same folds as a station's log
 * (core/station-log.ts, core/handovers.ts). Mounted behind the history router's auth.
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
    // Taken-back notes are left out of the lead's line view, as before.
    const notes = notesOf(events, () => true, query.from)
      .filter((n) => inWindow(n.ts) && n.voidedBy === null)
      .sort((a, b) => a.ts - b.ts)
      .map(({ voidedBy: _, ...n }) => ({ ...n, authorName: name(n.author) }));
    const body = { from: query.from, to: query.to, lineIds, handovers, notes };
    return c.json(sends<ShiftLogWire>(body));
  });
  return app;
}
