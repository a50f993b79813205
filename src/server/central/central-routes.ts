import { Hono } from 'hono';
import { centralBoard, type SiteLive } from '../../core/central/central-board.ts';
import { sitesOf, type CentralFile } from '../../core/central/central.schema.ts';
import { FloorboardError } from '../../core/index.ts';
import type { LoginResultWire } from '../../core/contracts/auth.ts';
import type { CentralBoard } from '../../core/central/central-board.ts';
import { loginRequestSchema, type createLogin } from '../auth/login.ts';
import type { TokenService } from '../auth/tokens.ts';
import { requireAuth, type ApiEnv } from '../http/app-context.ts';
import { sourceAddress } from '../http/auth-routes.ts';
import { sends } from '../http/contract.ts';
import { parseInput } from '../http/http-errors.ts';

/**
 * The centre's API (docs/api.md): POST /api/login (password), GET /api/central/board. The board
 * holds only the sites the signed-in user may see: the server leaves the others out, the page
 * hides nothing itself.
 */
export function centralRoutes(deps: { file: () => CentralFile; live: ReadonlyMap<string, SiteLive>; tokens: TokenService; login: ReturnType<typeof createLogin>; now: () => number }) {
  const app = new Hono<ApiEnv>();
  app.post('/login', async (c) => {
    const body: unknown = await c.req.json().catch(() => {
      throw new FloorboardError('invalid-arguments', 'body must be JSON');
    });
    const request = parseInput(loginRequestSchema, body, 'login request');
    if (request.kind !== 'password') throw new FloorboardError('invalid-arguments', 'the centre signs in with user and password');
    return c.json(sends<LoginResultWire>(await deps.login(request, sourceAddress(c))));
  });
  app.get('/central/board', requireAuth(deps.tokens), (c) => {
    const p = c.get('principal');
    const file = deps.file();
    const user = file.users.find((u) => u.id === p.id && !u.disabled);
    if (!user) throw new FloorboardError('unauthorized', 'user no longer in the central file');
    return c.json(sends<CentralBoard>(centralBoard(file, deps.live, sitesOf(file, user), deps.now())));
  });
  return app;
}
