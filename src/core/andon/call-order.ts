// Apart from the call's schema: the tablet's call list needs these, not zod.

/** Calls oldest first (the longest waiting heads every list); ties by id, so the order is stable. */
export function byAge<T extends { raisedAt: number; id: string }>(calls: readonly T[]): T[] {
  return [...calls].sort((a, b) => a.raisedAt - b.raisedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** How long a call has waited (until resolved, or now), ms. */
export const callAgeMs = (c: { raisedAt: number; resolved: { at: number } | null }, now: number): number => Math.max(0, (c.resolved?.at ?? now) - c.raisedAt);
