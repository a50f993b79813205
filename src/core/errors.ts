/** Closed set of error codes: user-facing text comes from one code-to-message map per language. */
export const errorCodes = [
  'invalid-plant',
  'invalid-config',
  'invalid-arguments',
  'invalid-event',
  'not-found',
  'unauthorized',
  /** No one is signed in on this device (a session that ended, or a screen used before sign-in). */
  'signed-out',
  'forbidden',
  /** The device was revoked by an admin: its sessions ended, and a lead or admin must enrol it again. */
  'device-revoked',
  /** Refused until `data.until`: too many failed sign-ins (HTTP 423). */
  'locked-out',
  /** Refused until `data.until`: failed sign-ins come too fast (HTTP 429); a lockout follows if they go on. */
  'slowed-down',
  'storage-failed',
  /** The thing changed since the reader saw it (a plant version applied meanwhile): reload, then try again. */
  'conflict',
  /** A report or message could not be handed to its receiver (webhook, mail) after every retry. */
  'delivery-failed',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** What a refusal that ends carries: when (ms since epoch, on the clock of whoever refused). */
export interface RefusedUntil {
  until: number;
}

/** A sign-in refused at a station: its name, for the message the operator reads. */
export interface AtStation {
  station: string;
}

/** The data some codes carry besides their message; every other code carries none. */
export interface ErrorDataByCode {
  'locked-out': RefusedUntil;
  'slowed-down': RefusedUntil;
  /** Offline sign-in: the badge is not in this station's roster, or the PIN is wrong. */
  unauthorized: AtStation;
  /** Online sign-in: the operator may not work at this station. */
  forbidden: AtStation;
}
export type ErrorData<C extends ErrorCode> = C extends keyof ErrorDataByCode ? ErrorDataByCode[C] : never;

/**
 * The one error type: a code from the closed set, details for the reader, data for the codes that
 * carry some (`ErrorDataByCode`), and the cause. `data` may be absent even for those codes: a
 * refusal relayed without its time (an older service) still has its code. Not generic, so
 * `instanceof` keeps `code` typed; `hasErrorCode` narrows `data` to a code's.
 */
export class FloorboardError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly string[];
  readonly data: ErrorDataByCode[keyof ErrorDataByCode] | undefined;
  constructor(code: ErrorCode, message: string, options: { details?: readonly string[]; data?: ErrorDataByCode[keyof ErrorDataByCode]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'FloorboardError';
    this.code = code;
    this.details = options.details ?? [];
    this.data = options.data;
  }
}

/** A FloorboardError known to have code `C` (and `C`'s data, when it came with any). */
export type FloorboardErrorOf<C extends ErrorCode> = FloorboardError & { readonly code: C; readonly data: ErrorData<C> | undefined };

/** True when `error` is a FloorboardError with one of `codes`; narrows its `data` to theirs. */
export function hasErrorCode<C extends ErrorCode>(error: unknown, ...codes: readonly C[]): error is FloorboardErrorOf<C> {
  return error instanceof FloorboardError && (codes as readonly ErrorCode[]).includes(error.code);
}
