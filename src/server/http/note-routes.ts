import { Hono } from 'hono';
import { z } from 'zod';
import { visibleLines } from '../../core/access.ts';
import { FloorboardError, topicIdSchema } from '../../core/index.ts';
import type { FloorEvent } from '../../core/index.ts';
import { currentShiftStart } from '../ingest/amendment-rights.ts';
import type { ApiEnv } from './app-context.ts';
import { instant, type HistoryDeps } from './history-scope.ts';
import { parseInput } from './http-errors.ts';

/** Longest look back of the notes route: a week of a station's notes. */
const MAX_NOTES_WINDOW_MS = 7 * 86_400_000;

const notesQuerySchema = z.object({ from: instant.optional() });

/**
 * GET /api/stations/:station/notes?from=: the notes at one station from `from` (default: the start
 * of the current shift), newest first, each with the id of the void that took it back (or null).
 * Scoped as the station's live status is on the broker: an operator reads only their own stations,
 * a lead or manager the stations of the lines they see. Mounted behind the history router's auth.
 */
export function noteRoutes(deps: HistoryDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get('/stations/:station/notes', async (c) => {
    const stationId = parseInput(z.object({ station: topicIdSchema }), { station: c.req.param('station') }, 'path').station;
    const p = c.get('principal');
    const index = deps.index();
    const lineId = index.stations.get(stationId)?.line;
    if (lineId === undefined) throw new FloorboardError('not-found', `station "${stationId}" is unknown`);
    const mayRead = p.role === 'operator' ? p.stations.includes(stationId) : visibleLines(p, index).has(lineId);
    if (!mayRead) throw new FloorboardError('forbidden', `not allowed to read the notes of station "${stationId}"`);
    const now = deps.now();
    const { from = currentShiftStart(index.plant.calendar, now) } = parseInput(notesQuerySchema, c.req.query(), 'query');
    if (now - from > MAX_NOTES_WINDOW_MS) throw new FloorboardError('invalid-arguments', 'invalid query', { details: ['from: more than 7 days back'] });
    const page = await deps.storage.listEvents({ lineIds: [lineId], from, orderBy: 'time' });
    const notes: FloorEvent[] = [];
    const voids = new Map<string, string>();
    for (const { event } of page.events) {
      if (event.type === 'note' && event.stationId === stationId) notes.push(event);
      else if (event.type === 'void') voids.set(event.voids, event.id);
    }
    notes.sort((a, b) => b.ts - a.ts);
    return c.json({ stationId, from, notes: notes.map((n) => ({ event: n, voidedBy: voids.get(n.id) ?? null })) });
  });
  return app;
}
