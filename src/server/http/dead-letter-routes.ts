import { Hono } from 'hono';
import { z } from 'zod';
import { FloorboardError, rejectCodes } from '../../core/index.ts';
import { requireAuth, type ApiDeps, type ApiEnv } from './app-context.ts';
import { instant } from './history-scope.ts';
import { parseInput } from './http-errors.ts';
import type { Storage } from '../storage/storage.ts';
import { sends } from './contract.ts';
import type { DeadLettersPageWire } from '../../core/contracts/dead-letters.ts';

/** Largest page; the default is smaller. Each letter may carry up to 64 KiB of payload. */
export const MAX_DEAD_LETTER_PAGE = 500;

const deadLetterQuerySchema = z
  .object({
    code: z
      .string()
      .transform((s) => s.split(',').filter(Boolean))
      .pipe(z.array(z.enum(rejectCodes, { message: `must be reject codes, comma-separated: ${rejectCodes.join(', ')}` })).min(1, 'must name at least one code'))
      .optional(),
    device: z.string().min(1).max(256).optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().min(1, 'must be at least 1').max(MAX_DEAD_LETTER_PAGE, `must be at most ${MAX_DEAD_LETTER_PAGE}`))
      .default(100),
    cursor: z
      .string()
      .regex(/^[1-9]\d{0,15}$/, 'must be the nextCursor of the previous page')
      .transform(Number)
      .optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.to > q.from, { message: 'must be after "from"', path: ['to'] });

/**
 * GET /api/dead-letters: what ingest refused and why, for admins only (a payload may hold any
 * device's data). Payloads are JSON string fields, never markup; the page is newest first and
 * `nextCursor` (null on the last page) fetches the next one.
 */
export function deadLetterRoutes(deps: ApiDeps & { storage: Storage }): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get('/dead-letters', requireAuth(deps.tokens), async (c) => {
    if (c.get('principal').role !== 'admin') throw new FloorboardError('forbidden', 'dead letters are for admins');
    const q = parseInput(deadLetterQuerySchema, c.req.query(), 'query');
    // One more than asked tells whether another page follows.
    const rows = await deps.storage.findDeadLetters({
      limit: q.limit + 1,
      ...(q.code ? { codes: q.code } : {}),
      ...(q.device ? { deviceId: q.device } : {}),
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
      ...(q.cursor !== undefined ? { beforeId: q.cursor } : {}),
    });
    const page = rows.slice(0, q.limit);
    const nextCursor = rows.length > q.limit ? String(page.at(-1)!.id) : null;
    return c.json(sends<DeadLettersPageWire>({ deadLetters: page, nextCursor }));
  });
  return app;
}
