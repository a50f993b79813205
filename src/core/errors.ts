/** Closed set of error codes: user-facing text comes from one code-to-message map per language. */
export const errorCodes = [
  'invalid-plant',
  'invalid-config',
  'invalid-arguments',
  'invalid-event',
  'not-found',
  'unauthorized',
  'forbidden',
  'locked-out',
  'storage-failed',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** The one error type: a code from the closed set, details for the reader, and the cause. */
export class FloorboardError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly string[];
  constructor(code: ErrorCode, message: string, options: { details?: readonly string[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'FloorboardError';
    this.code = code;
    this.details = options.details ?? [];
  }
}
