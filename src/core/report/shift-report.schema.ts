import { auditKinds } from '../oee-stops/audit-trail.ts';
import * as z from 'zod/mini';
import { correctablePayloadSchema, handoverTopics } from '../events.schema.ts';
import { lossCategories, type LossCategory } from '../plant.schema.ts';

/**
 * The shift report as it crosses a boundary (the API's JSON, a stored copy read back): the fields
 * a reader lays out. `buildShiftReport`'s model satisfies it; zod strips what is not listed.
 */
const ratio = z.nullable(z.number());
const loss = z.enum(lossCategories);
const bigLoss = z.enum(lossCategories.filter((l): l is Exclude<LossCategory, 'planned'> => l !== 'planned'));
const names = z.record(z.string(), z.string());

export const shiftReportSchema = z.object({
  v: z.literal(1),
  lineId: z.string(),
  lineName: z.string(),
  siteName: z.string(),
  timezone: z.string(),
  shiftId: z.string(),
  shiftName: z.string(),
  start: z.number(),
  end: z.number(),
  madeAt: z.number(),
  targetOee: z.number(),
  figures: z.object({
    plannedMs: z.number(),
    noDataMs: z.number(),
    coverage: ratio,
    runMs: z.number(),
    stopMs: z.number(),
    availability: ratio,
    performance: ratio,
    quality: ratio,
    oee: ratio,
    isScheduled: z.boolean(),
    lossMs: z.record(z.string(), z.number()),
    good: z.number(),
    reject: z.number(),
    topReasons: z.array(z.object({ reasonId: z.nullable(z.string()), loss: bigLoss, durationMs: z.number(), count: z.number() })),
    /** The reasons after `topReasons`, summed (the Pareto's "Other" row); none in reports stored before it was kept. */
    otherReasons: z._default(z.object({ durationMs: z.number(), count: z.number() }), { durationMs: 0, count: 0 }),
  }),
  stops: z.array(z.object({ id: z.string(), start: z.number(), end: z.number(), durationMs: z.number(), stationId: z.string(), reasonId: z.nullable(z.string()), loss, isOpen: z.boolean(), isSetup: z.boolean() })),
  scrap: z.array(z.object({ reasonId: z.nullable(z.string()), quantity: z.number() })),
  changeovers: z.array(z.object({ id: z.string(), stationId: z.string(), start: z.number(), end: z.number(), durationMs: z.number(), toProductId: z.nullable(z.string()), isOpen: z.boolean() })),
  notes: z.array(z.object({ id: z.string(), ts: z.number(), stationId: z.string(), author: z.string(), text: z.string() })),
  handovers: z.array(
    z.object({
      id: z.string(),
      ts: z.number(),
      stationId: z.string(),
      scope: z.enum(['station', 'line']),
      author: z.string(),
      topics: z.array(z.enum(handoverTopics)),
      text: z.string(),
      acks: z.array(z.object({ author: z.string(), ts: z.number() })),
    }),
  ),
  /** Andon calls raised in the shift with their response times; absent from reports made before issue 14. */
  andonCalls: z._default(
    z.array(
      z.object({
        id: z.string(),
        raisedAt: z.number(),
        stationId: z.string(),
        kind: z.string(),
        level: z.number(),
        ack: z.nullable(z.object({ by: z.string(), at: z.number() })),
        /** How it ended; absent from reports made before calls could be taken back. A taken-back call has no response times. */
        resolved: z.optional(z.nullable(z.object({ how: z.string(), by: z.string(), at: z.number() }))),
        toAcknowledgeMs: z.nullable(z.number()),
        toResolveMs: z.nullable(z.number()),
      }),
    ),
    [],
  ),
  corrections: z.array(
    z.object({
      id: z.string(),
      // Reports stored before splits were listed have no kind (a correction or a void) and no targetTs.
      kind: z.optional(z.enum(auditKinds)),
      ts: z.number(),
      author: z.string(),
      before: z.nullable(correctablePayloadSchema),
      targetTs: z.optional(z.nullable(z.number())),
      after: z.nullable(correctablePayloadSchema),
      reason: z.string(),
      isVoided: z.boolean(),
    }),
  ),
  names: z.object({
    users: names,
    stations: names,
    products: names,
    reasons: z.record(z.string(), z.object({ label: z.string(), labels: names })),
  }),
});
export type ShiftReportView = z.infer<typeof shiftReportSchema>;
