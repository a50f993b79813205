import * as z from 'zod/mini';

/**
 * The publishing leader's order on a retained message (issue 16, ADR 0017): higher for every later
 * publish, and for every publish of a later leader. Absent from a single service. A screen keeps
 * what it holds against a lower one (`isNewerLive`, live-version.ts).
 */
export const leaderVersionSchema = z.optional(z.number().check(z.int(), z.minimum(0)));
