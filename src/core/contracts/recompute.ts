import * as z from 'zod/mini';
import { headlineFiguresShape } from './figures.ts';

/**
 * Recomputing stored history under the plant running now (issue 13): an explicit admin action,
 * previewed first. The hourly buckets of [from, to) hold each hour as it was computed when it was
 * written; recomputing writes them again with the current plant (ideal cycle times, calendar,
 * reason mapping). Stored shift reports are never rewritten.
 */
export const recomputeRequestSchema = z.object({
  from: z.number().check(z.int(), z.minimum(0)),
  to: z.number().check(z.int(), z.minimum(0)),
  lineIds: z.optional(z.array(z.string())),
  reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(2000))),
});
export type RecomputeRequest = z.infer<typeof recomputeRequestSchema>;

const figures = z.object(headlineFiguresShape);
/** One line: the figures the stored hours give now, and those the current plant gives; null where no hour is stored. */
export const recomputeLineSchema = z.object({ lineId: z.string(), stored: z.nullable(figures), recomputed: z.nullable(figures), hours: z.number() });
export const recomputeAnswerSchema = z.object({
  from: z.number(),
  to: z.number(),
  plantVersion: z.number(),
  isApplied: z.boolean(),
  lines: z.array(recomputeLineSchema),
});
export type RecomputeAnswerWire = z.infer<typeof recomputeAnswerSchema>;

/** A recompute done, as the admin audit lists it. */
export const adminActionSchema = z.object({ id: z.number(), at: z.number(), author: z.string(), kind: z.string(), reason: z.string(), detail: z.string() });
export const adminActionsSchema = z.object({ actions: z.array(adminActionSchema) });
export type AdminActionsWire = z.infer<typeof adminActionsSchema>;
