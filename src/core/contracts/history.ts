import * as z from 'zod/mini';
import { correctablePayloadSchema } from '../events.schema.ts';
import { auditKinds } from '../oee-stops/audit-trail.ts';
import { lossCategories, type LossCategory } from '../plant.schema.ts';
import { headlineFiguresShape } from './figures.ts';

/**
 * The shapes of the history API (GET /api/oee, /stops, /timeline, /pareto) that the dashboards
 * read. Only the fields used are kept (zod strips the rest), so a bigger answer costs no memory.
 */
const bigLoss = z.enum(lossCategories.filter((l): l is Exclude<LossCategory, 'planned'> => l !== 'planned'));
const reasonLossSchema = z.object({ reasonId: z.nullable(z.string()), loss: bigLoss, durationMs: z.number(), count: z.number() });

export const figuresSchema = z.object({
  ...headlineFiguresShape,
  /** ADR 0009: scheduled time, time nobody saw included (coverage's denominator). */
  scheduledMs: z.number(),
  idealMs: z.number(),
  lossMs: z.record(z.string(), z.number()),
  topReasons: z.array(reasonLossSchema),
});
export type Figures = z.infer<typeof figuresSchema>;

/**
 * A bucket keeps only the sums the charts roll up (ratios are recomputed from them, never averaged):
 * a week of minute buckets parses in half the time of full figures.
 */
export const bucketSchema = z.object({
  start: z.number(),
  end: z.number(),
  plannedMs: z.number(),
  noDataMs: z.number(),
  scheduledMs: z.number(),
  runMs: z.number(),
  idealMs: z.number(),
  good: z.number(),
  reject: z.number(),
  total: z.number(),
});
export type Bucket = z.infer<typeof bucketSchema>;

const scopeSchema = z.object({ id: z.string(), buckets: z.array(bucketSchema), total: figuresSchema });
export const oeeReportSchema = z.object({ lines: z.array(scopeSchema), areas: z.array(scopeSchema), site: scopeSchema });
export type OeeReportView = z.infer<typeof oeeReportSchema>;

export const stopSchema = z.object({
  id: z.string(),
  /** Cut to the window asked for; `startedAt` is when it really began, where that was before the window. */
  start: z.number(),
  startedAt: z.optional(z.number()),
  end: z.number(),
  reasonId: z.nullable(z.string()),
  loss: z.enum(lossCategories),
  isOpen: z.boolean(),
  durationMs: z.number(),
  /** Wholly in a break or off shift: no loss, and no reason needed (core isAwaitingReason). */
  isOffShift: z.optional(z.boolean()),
  stationId: z.string(),
  /** Who opened or classified it, and the product the line was making (stop-context.ts). */
  operatorId: z.optional(z.nullable(z.string())),
  operatorName: z.optional(z.nullable(z.string())),
  productId: z.optional(z.nullable(z.string())),
  source: z.enum(['machine', 'operator']),
  /** The event that opened the stop: what a void cancels. */
  originEventId: z.string(),
  /** The event that sets the reason now (its payload in force): what a reclassification supersedes. */
  reasonEvent: z.nullable(z.object({ id: z.string(), type: z.enum(['stop.start', 'stop.classify', 'stop.split']), author: z.string(), ts: z.number(), payload: correctablePayloadSchema })),
});
export type StopView = z.infer<typeof stopSchema>;
export const stopsSchema = z.object({ lines: z.array(z.object({ lineId: z.string(), stops: z.array(stopSchema) })) });

export const timelineSchema = z.object({
  lines: z.array(
    z.object({
      lineId: z.string(),
      segments: z.array(z.object({ start: z.number(), end: z.number(), state: z.enum(['running', 'stopped', 'no-data']), stopId: z.nullable(z.string()), reasonId: z.nullable(z.string()), loss: z.nullable(z.string()) })),
    }),
  ),
});
export type TimelineView = z.infer<typeof timelineSchema>;

/** `reasons`: the largest ones (the engine's topReasons); `other`: every reason after them, summed (the engine's otherReasons). */
export const paretoSchema = z.object({ lossMs: z.record(z.string(), z.number()), reasons: z.array(reasonLossSchema), other: z.object({ durationMs: z.number(), count: z.number() }) });
export type ParetoView = z.infer<typeof paretoSchema>;

/** GET /api/audit: classifications, corrections and voids with who, when, before/after, why and the stop. */
export const auditEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(auditKinds),
  lineId: z.string(),
  stationId: z.string(),
  stop: z.optional(z.nullable(z.object({ start: z.number(), durationMs: z.number(), stationId: z.string(), isOpen: z.boolean() }))),
  author: z.string(),
  authorName: z.string(),
  ts: z.number(),
  target: z.string(),
  before: z.nullable(correctablePayloadSchema),
  targetTs: z.optional(z.nullable(z.number())),
  after: z.nullable(correctablePayloadSchema),
  reason: z.string(),
  isVoided: z.boolean(),
});
export type AuditEntryView = z.infer<typeof auditEntrySchema>;
export const auditSchema = z.object({ entries: z.array(auditEntrySchema) });

/**
 * How the dashboards read GET /api/audit: entry by entry, so an entry this version cannot read (a
 * kind added by a newer service, such as a new correction) is left out and counted, and never
 * costs the whole list (the list said nothing at all when one entry had an unknown kind).
 */
export const auditListSchema = z.object({ entries: z.array(z.unknown()) });
export interface AuditAnswer {
  entries: AuditEntryView[];
  /** Entries left out: this version cannot read them. */
  unreadable: number;
}

/** The entries of an audit answer (auditListSchema) this version can read, and how many it cannot. A function, not a zod pipe: the tablet's first screen holds this file's schemas. */
export function readAuditEntries({ entries }: { entries: readonly unknown[] }): AuditAnswer {
  const out: AuditEntryView[] = [];
  for (const raw of entries) {
    const parsed = auditEntrySchema.safeParse(raw);
    if (parsed.success) out.push(parsed.data);
  }
  return { entries: out, unreadable: entries.length - out.length };
}

/**
 * What the service must send for each of these answers (the schemas' input types). The routes
 * type their bodies with them (`sends` in src/server/http/contract.ts), so a server change that
 * drops or renames a field the dashboards read fails the type check instead of a screen.
 */
export type OeeReportWire = z.input<typeof oeeReportSchema>;
export type StopsWire = z.input<typeof stopsSchema>;
export type TimelineWire = z.input<typeof timelineSchema>;
export type ParetoWire = z.input<typeof paretoSchema>;
export type AuditWire = z.input<typeof auditSchema>;
