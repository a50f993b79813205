import { z } from 'zod';
import { epochMsSchema, eventIdSchema, topicIdSchema } from './ids.schema.ts';
import { machineStates } from './events.schema.ts';
import { lossCategorySchema } from './plant.schema.ts';

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
  since: epochMsSchema.nullable(),
  /** The open stop, if any, and its reason once someone gave one. */
  stopId: eventIdSchema.nullable(),
  reasonId: topicIdSchema.nullable(),
  /** A stop still waiting for a reason from an operator (not a minor stop). */
  isAwaitingReason: z.boolean(),
  productId: topicIdSchema.nullable(),
  shiftId: topicIdSchema.nullable(),
  /** Author of the latest operator entry on the line. */
  operatorId: topicIdSchema.nullable(),
  updatedAt: epochMsSchema,
});
export type LineStatus = z.infer<typeof lineStatusSchema>;

const ratio = z.number().min(0).nullable();

/** One entry of the top losses of a snapshot. */
export const snapshotLossSchema = z.object({
  reasonId: topicIdSchema.nullable(),
  loss: lossCategorySchema.exclude(['planned']),
  durationMs: z.number().min(0),
  count: z.number().int().min(0),
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
  shiftId: topicIdSchema.nullable(),
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
  plannedMs: z.number().min(0),
  runMs: z.number().min(0),
  stopMs: z.number().min(0),
  good: z.number().int().min(0),
  reject: z.number().int().min(0),
  total: z.number().int().min(0),
  stopCount: z.number().int().min(0),
  /** Target OEE of a line (0..1); absent for areas and the site. */
  targetOee: z.number().min(0).max(1).optional(),
  topLosses: z.array(snapshotLossSchema).max(5),
});
export type OeeSnapshot = z.infer<typeof oeeSnapshotSchema>;
