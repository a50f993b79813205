import * as z from 'zod/mini';
import { errorCodes, FloorboardError, type ErrorCode } from '../errors.ts';

/** The one error body the service sends: `{ error: { code, message } }` (src/server/http/http-errors.ts). */
export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.optional(z.array(z.string())) }) });

/**
 * The one map between error codes and HTTP statuses: the service answers a code with its status,
 * and the app reads a status back to a code when the body names none it knows (a proxy's error
 * page, an older service). The first code of a status is the one read back.
 */
export const httpStatusOf: Readonly<Partial<Record<ErrorCode, number>>> = {
  'invalid-arguments': 400,
  'invalid-event': 400,
  unauthorized: 401,
  forbidden: 403,
  'device-revoked': 403,
  'not-found': 404,
  conflict: 409,
  'invalid-plant': 422,
  'locked-out': 423,
  'slowed-down': 429,
};

const codeOfStatus = new Map<number, ErrorCode>();
for (const [code, status] of Object.entries(httpStatusOf) as [ErrorCode, number][]) if (!codeOfStatus.has(status)) codeOfStatus.set(status, code);

/** A refusal as the app's one error: the body's code when it is one of ours, else the status's. */
export function errorOfResponse(path: string, status: number, body: unknown): FloorboardError {
  const parsed = errorBodySchema.safeParse(body);
  const named = parsed.success && (errorCodes as readonly string[]).includes(parsed.data.error.code) ? (parsed.data.error.code as ErrorCode) : undefined;
  const code = named ?? codeOfStatus.get(status) ?? 'internal';
  return new FloorboardError(code, parsed.success ? parsed.data.error.message : `${path} answered ${status}`, parsed.success && parsed.data.error.details ? { details: parsed.data.error.details } : {});
}
