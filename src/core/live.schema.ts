import * as z from 'zod/mini';
import { epochMsSchema, eventIdSchema, topicIdSchema } from './ids.schema.ts';
import { machineStates } from './events.schema.ts';
import { lossCategories, type LossCategory } from './plant.schema.ts';

/** What a line is doing now: a machine state, or `unknown` before anything was heard. */
export const lineStateSchema = z.enum([...machineStates, 'unknown']);
export type LineState = z.infer<typeof lineStateSchema>;

/**
 * Retained on `topics.lineStatus` whenever it changes: a dashboard that subscribes sees the
 * present at once.
 */
export const lineStatusSchema = z.object({
  v: z.literal(1),
  siteId: topicIdSchema,
  areaId: topicIdSchema,
  lineId: topicIdSchema,
  state: lineStateSchema,
  /** When the current state began (corrected time); null while unknown. */
  since: z.nullable(epochMsSchema),
  /** The open stop, if any, and its reason once someone gave one. */
  stopId: z.nullable(eventIdSchema),
  reasonId: z.nullable(topicIdSchema),
  /** A stop still waiting for a reason from an operator (not a minor stop). */
  isAwaitingReason: z.boolean(),
  productId: z.nullable(topicIdSchema),
  shiftId: z.nullable(topicIdSchema),
  /** Author of the latest operator entry on the line. */
  operatorId: z.nullable(topicIdSchema),
  updatedAt: epochMsSchema,
});
export type LineStatus = z.infer<typeof lineStatusSchema>;

const ratio = z.nullable(z.number().check(z.minimum(0)));

/** One entry of the top losses of a snapshot. */
export const snapshotLossSchema = z.object({
  reasonId: z.nullable(topicIdSchema),
  loss: z.enum(lossCategories.filter((l) => l !== 'planned') as Exclude<LossCategory, 'planned'>[]),
  durationMs: z.number().check(z.minimum(0)),
  count: z.number().check(z.int(), z.minimum(0)),
});

/**
 * Retained on `topics.lineOee`, `topics.areaOee` and `topics.siteOee`: OEE of the current shift so
 * far (or the current local day outside shifts), computed by the core engine.
 */
export const oeeSnapshotSchema = z.object({
  v: z.literal(1),
  scope: z.enum(['line', 'area', 'site']),
  id: topicIdSchema,
  siteId: topicIdSchema,
  shiftId: z.nullable(topicIdSchema),
  /** The window the figures cover: [from, at). */
  from: epochMsSchema,
  to: epochMsSchema,
  at: epochMsSchema,
  availability: ratio,
  performance: ratio,
  quality: ratio,
  oee: ratio,
  isScheduled: z.boolean(),
  isPerformanceOverLimit: z.boolean(),
  plannedMs: z.number().check(z.minimum(0)),
  /** Time nobody saw in the window (ADR 0009); 0 from a service before it. */
  noDataMs: z._default(z.number().check(z.minimum(0)), 0),
  /** Monitored coverage beside OEE, 0..1 (ADR 0009); null when nothing was scheduled. */
  coverage: z._default(z.nullable(z.number().check(z.minimum(0), z.maximum(1))), null),
  runMs: z.number().check(z.minimum(0)),
  stopMs: z.number().check(z.minimum(0)),
  good: z.number().check(z.int(), z.minimum(0)),
  reject: z.number().check(z.int(), z.minimum(0)),
  total: z.number().check(z.int(), z.minimum(0)),
  stopCount: z.number().check(z.int(), z.minimum(0)),
  /** Target OEE of a line (0..1); absent for areas and the site. */
  targetOee: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  topLosses: z.array(snapshotLossSchema).check(z.maxLength(5)),
});
export type OeeSnapshot = z.infer<typeof oeeSnapshotSchema>;
