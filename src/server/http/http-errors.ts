import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { describeIssues, FloorboardError, type ErrorCode } from '../../core/index.ts';
import { LoginRefused } from '../auth/login.ts';

const statusOf: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  'invalid-arguments': 400,
  'invalid-event': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'locked-out': 423,
};

/** The one error body: `{ error: { code, message, details? } }`. */
export function renderError(c: Context, error: unknown): Response {
  if (error instanceof LoginRefused) {
    c.header('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
    return c.json({ error: { code: error.code, message: error.message, retryAfterMs: error.retryAfterMs } }, error.status);
  }
  if (error instanceof FloorboardError) {
    const status = statusOf[error.code] ?? 500;
    const details = error.details.length ? { details: error.details } : {};
    return c.json({ error: { code: error.code, message: error.message, ...details } }, status);
  }
  return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
}

/** Parses input with a schema or throws `invalid-arguments` listing every issue. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new FloorboardError('invalid-arguments', `invalid ${what}`, { details: describeIssues(result.error) });
  return result.data;
}
