/** Who an andon call asks for: the four call buttons of the tablet, and what a rule calls. */
export const andonKinds = ['maintenance', 'quality', 'material', 'lead'] as const;
export type AndonKind = (typeof andonKinds)[number];

/** What raised a call. */
export const andonTriggers = ['stop', 'no-count', 'scrap-rate', 'no-data', 'button'] as const;
export type AndonTriggerKind = (typeof andonTriggers)[number];

/** Where an acknowledgement was made. */
export const andonAckSources = ['tablet', 'board', 'api'] as const;
export type AndonAckSource = (typeof andonAckSources)[number];

/** A tablet's call that reaches the service this much after it was made is marked late (made offline). */
export const ANDON_LATE_MS = 30_000;

/**
 * How long after raising it an operator may take back their own call button (the tablet's undo, a
 * void of the raise): the tablet offers it this long and ingest refuses a later one
 * (src/server/ingest/amendment-rights.ts). After that, whoever answers it resolves it.
 */
export const CALL_TAKE_BACK_MS = 10 * 60_000;

/** How a call ended: by itself (its cause ended), by hand (answered), or taken back by its caller. */
export const andonResolveHows = ['auto', 'hand', 'taken-back'] as const;
export type AndonResolveHow = (typeof andonResolveHows)[number];
