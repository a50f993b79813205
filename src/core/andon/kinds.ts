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
