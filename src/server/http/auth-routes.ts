import { andonInScope } from '../../core/andon/rule-scope.ts';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { visibleLines } from '../../core/access.ts';
import { FloorboardError, topicIdSchema, type Plant } from '../../core/index.ts';
import { loginRequestSchema, type createLogin } from '../auth/login.ts';
import { requireAuth, type ApiDeps, type ApiEnv } from './app-context.ts';
import { parseInput } from './http-errors.ts';
import { refuseWriters } from './history-scope.ts';
import { sends } from './contract.ts';
import type { LoginResultWire, ServiceTimeWire } from '../../core/contracts/auth.ts';
import type { RosterWire } from '../../core/contracts/roster.ts';

const rosterQuerySchema = z.object({
  stations: z
    .string({ message: 'is required: a comma-separated list of station ids' })
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(topicIdSchema).min(1, 'must name at least one station').max(100)),
});

/**
 * The peer address of the connection, for the per-address login guard. Forwarded-for headers are
 * not trusted: anyone can write them. Behind a reverse proxy every login shares the proxy's address.
 */
export function sourceAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // not served by the Node adapter (tests calling app.request)
  }
}

/** POST /api/login, GET /api/time, GET /api/plant, GET /api/roster (docs/api.md). */
export function authRoutes(deps: ApiDeps, login: ReturnType<typeof createLogin>) {
  const app = new Hono<ApiEnv>();
  app.post('/login', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new FloorboardError('invalid-arguments', 'body must be JSON');
    }
    return c.json(sends<LoginResultWire>(await login(parseInput(loginRequestSchema, body, 'login request'), sourceAddress(c))));
  });
  app.get('/time', (c) => c.json(sends<ServiceTimeWire>({ now: deps.now() })));

  app.get('/plant', requireAuth(deps.tokens), (c) => {
    // Gateways and importers only publish (least privilege, as on the broker and history).
    refuseWriters(c.get('principal'), 'the plant model');
    const index = deps.index();
    const lines = visibleLines(c.get('principal'), index);
    const plant: Plant = index.plant;
    const areas = plant.areas.map((a) => ({ ...a, lines: a.lines.filter((l) => lines.has(l.id)) })).filter((a) => a.lines.length > 0);
    // Never the users: their hashes go out only through the roster (without disabled ones), to those entitled to it.
    const { users: _users, ...rest } = plant;
    // Andon rules cut to the same lines: one naming a line the reader does not get would make the plant invalid.
    return c.json({ ...rest, areas, andon: andonInScope(plant.andon, lines, new Set(areas.map((a) => a.id))) });
  });

  app.get('/roster', requireAuth(deps.tokens), (c) => {
    const { stations } = parseInput(rosterQuerySchema, c.req.query(), 'query');
    const p = c.get('principal');
    const index = deps.index();
    const unknown = stations.filter((s) => !index.stations.has(s));
    if (unknown.length) throw new FloorboardError('not-found', `unknown stations: ${unknown.join(', ')}`);
    const isEntitled =
      p.role === 'admin' ||
      p.role === 'service' ||
      (p.role === 'lead' && stations.every((s) => p.lines.includes(index.stations.get(s)?.line ?? ''))) ||
      (p.role === 'operator' && stations.every((s) => p.stations.includes(s)));
    if (!isEntitled) throw new FloorboardError('forbidden', 'the roster of these stations is for their lead, an admin or their operators');
    const operators = deps
      .users()
      .flatMap((u) => (u.role === 'operator' && !u.disabled && u.stations.some((s) => stations.includes(s)) ? [{ id: u.id, name: u.name, badge: u.badge, pinHash: u.pinHash, stations: u.stations }] : []));
    return c.json(sends<RosterWire>({ operators }));
  });
  return app;
}
