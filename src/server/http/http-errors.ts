import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { describeIssues, FloorboardError, hasErrorCode, type ErrorCode } from '../../core/index.ts';
import { httpStatusOf } from '../../core/contracts/http-errors.ts';

/** The core's one code-to-status map, as Hono types its statuses. */
const statusOf = httpStatusOf as Partial<Record<ErrorCode, ContentfulStatusCode>>;

/**
 * The one error body: `{ error: { code, message, details? } }`; a refusal that ends also says in how
 * long (`retryAfterMs` and Retry-After, from `now`: the clock that set its end).
 */
export function renderError(c: Context, error: unknown, now: () => number = Date.now): Response {
  if (!(error instanceof FloorboardError)) return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
  const status = statusOf[error.code] ?? 500;
  if (hasErrorCode(error, 'locked-out', 'slowed-down') && error.data) {
    const retryAfterMs = Math.max(0, error.data.until - now());
    c.header('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
    return c.json({ error: { code: error.code, message: error.message, retryAfterMs } }, status);
  }
  const details = error.details.length ? { details: error.details } : {};
  return c.json({ error: { code: error.code, message: error.message, ...details } }, status);
}

/** Parses input with a schema or throws `invalid-arguments` listing every issue. */
export function parseInput<T extends z.core.$ZodType>(schema: T, input: unknown, what: string): z.core.output<T> {
  // The core's function form: takes the contracts' zod/mini schemas as well as zod's.
  const result = z.safeParse(schema, input);
  if (!result.success) throw new FloorboardError('invalid-arguments', `invalid ${what}`, { details: describeIssues(result.error) });
  return result.data;
}
