import { Hono } from 'hono';
import { z } from 'zod';
import { visibleLines } from '../../core/access.ts';
import { FloorboardError, topicIdSchema } from '../../core/index.ts';
import { readStationLog } from '../station-log/read-station-log.ts';
import type { ApiEnv } from './app-context.ts';
import type { HistoryDeps } from './history-scope.ts';
import { parseInput } from './http-errors.ts';

/**
 * GET /api/stations/:station/log: the station's shift log (notes, handovers for it and its line,
 * who acknowledged them), the same fold the retained `<station>/log` topic carries. Scoped as the
 * station's live status is on the broker: an operator reads only their own stations, a lead or
 * manager the stations of the lines they see. Mounted behind the history router's auth.
 */
export function stationLogRoutes(deps: HistoryDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get('/stations/:station/log', async (c) => {
    const stationId = parseInput(z.object({ station: topicIdSchema }), { station: c.req.param('station') }, 'path').station;
    const p = c.get('principal');
    const index = deps.index();
    const lineId = index.stations.get(stationId)?.line;
    if (lineId === undefined) throw new FloorboardError('not-found', `station "${stationId}" is unknown`);
    const mayRead = p.role === 'operator' ? p.stations.includes(stationId) : visibleLines(p, index).has(lineId);
    if (!mayRead) throw new FloorboardError('forbidden', `not allowed to read the log of station "${stationId}"`);
    return c.json(await readStationLog({ storage: deps.storage, users: deps.users }, { id: stationId, lineId }, deps.now()));
  });
  return app;
}
