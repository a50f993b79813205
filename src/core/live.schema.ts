import * as z from 'zod/mini';
import { leaderVersionSchema } from './leader-version.schema.ts';
import { epochMsSchema, eventIdSchema, topicIdSchema } from './ids.schema.ts';
import { machineStates } from './events.schema.ts';
import { lossCategories, type LossCategory } from './plant.schema.ts';
import { headlineFiguresShape } from './contracts/figures.ts';

/**
 * What a station or line is doing now, as the one fold (src/core/station-state) says: see
 * docs/adr/0008-station-state.md. `no-data`: nobody saw (a silent gateway, or before monitoring
 * began); `not-scheduled`: no shift runs now.
 */
export const stationStates = ['running', 'stopped', 'changeover', 'no-data', 'not-scheduled'] as const;
export const stationStateSchema = z.enum(stationStates);
export type StationState = z.infer<typeof stationStateSchema>;

/**
 * What a line is doing now. The fold publishes only `stationStates`; the machine states and
 * `unknown` are still parsed, since statuses retained by an older service may name them.
 */
export const lineStateSchema = z.enum([...stationStates, ...machineStates.filter((s) => s !== 'running' && s !== 'stopped'), 'unknown']);
export type LineState = z.infer<typeof lineStateSchema>;

/** What every stop of a live status says. */
const liveStopShape = {
  stopId: eventIdSchema,
  start: epochMsSchema,
  stationId: topicIdSchema,
  /** A machine gateway's state signal, or a person. */
  source: z.enum(['machine', 'operator']),
  /** Shorter (so far) than the line's small-stop threshold: a minor stop, shown and flagged as such. */
  isSmallStop: z.boolean(),
};

/** The open stop of a station or line. */
export const openStopSchema = z.object({
  ...liveStopShape,
  /** Null until someone gives a reason the plant knows. */
  reasonId: z.nullable(topicIdSchema),
  /**
   * Since when the machine has been making parts while this operator's stop is open (its counter
   * rose for at least the small-stop threshold, all after the stop began): a stop someone may have
   * forgotten to end. The screens ask; nothing ends it but its operator.
   */
  machineProducingSince: z.optional(z.number()),
  /** Wholly in a break or off shift so far: no loss, and no reason asked for (isAwaitingReason). */
  isOffShift: z.optional(z.boolean()),
});
export type OpenStop = z.infer<typeof openStopSchema>;

/** The open changeover of a line: from the product that ran to the one set up. */
export const openChangeoverSchema = z.object({
  /** The changeover.start event's id (or a machine setup signal's). */
  changeoverId: eventIdSchema,
  start: epochMsSchema,
  fromProductId: z.nullable(topicIdSchema),
  /** Null for a machine's setup signal, which names no product. */
  toProductId: z.nullable(topicIdSchema),
  stationId: topicIdSchema,
});
export type OpenChangeover = z.infer<typeof openChangeoverSchema>;

/** One stop awaiting a reason, by the one rule (src/core/station-state/awaiting.ts). */
export const awaitingStopSchema = z.object({
  ...liveStopShape,
  /** Null while open. */
  end: z.nullable(epochMsSchema),
});
export type AwaitingStop = z.infer<typeof awaitingStopSchema>;

/** One ended stop that has its reason: a tablet can still split it (a part of it had another cause). */
export const classifiedStopSchema = z.object({
  ...liveStopShape,
  end: epochMsSchema,
  reasonId: topicIdSchema,
});
export type ClassifiedStop = z.infer<typeof classifiedStopSchema>;

/** Most stops with a reason a status carries: the newest. */
export const MAX_CLASSIFIED_IN_STATUS = 10;

/** Most stops awaiting a reason a status carries (the oldest are dropped first; `awaitingCount` tells all). */
export const MAX_AWAITING_IN_STATUS = 50;

const countSchema = z.number().check(z.int());

/** Most seqs above `upTo` a status's `seen` names per device. */
export const MAX_SEEN_ABOVE = 8;

/**
 * A device's entries a status includes: every seq up to `upTo` (gap-free from the lowest the fold
 * saw; -1: none), and these above it. A tablet stops laying its waiting entries on top once a
 * status includes them, even before their ack arrives.
 */
export const seenSeqsSchema = z.object({
  upTo: z.number().check(z.int(), z.minimum(-1)),
  above: z.array(z.number().check(z.int(), z.minimum(0))).check(z.maxLength(MAX_SEEN_ABOVE)),
});
export type SeenSeqs = z.infer<typeof seenSeqsSchema>;

/**
 * Retained on `topics.stationStatus` whenever it changes: what one station's tablet shows, folded
 * by the service from every event of the line (machine signals, every tablet's entries,
 * corrections and voids), so two tablets at one station show the same.
 */
export const stationStatusSchema = z.object({
  v: z.literal(1),
  /**
   * The publishing leader's order (issue 16, ADR 0017): higher for every later publish, and for
   * every publish of a later leader. Absent from a single service.
   */
  version: leaderVersionSchema,
  siteId: topicIdSchema,
  areaId: topicIdSchema,
  lineId: topicIdSchema,
  stationId: topicIdSchema,
  state: stationStateSchema,
  /** When the current state began; null when not known. */
  since: z.nullable(epochMsSchema),
  /** This station's open stop, if any (also while the state is no-data or not-scheduled). */
  stop: z.nullable(openStopSchema),
  /** The line's open changeover (changeovers are line-wide), if any. */
  changeover: z.nullable(openChangeoverSchema),
  productId: z.nullable(topicIdSchema),
  shiftId: z.nullable(topicIdSchema),
  /** Start of the window the counts and target cover (the shift, or the local day outside shifts). */
  from: epochMsSchema,
  /** This station's counts so far in the window, by the OEE engine's count rules (scrap can make good negative). */
  good: countSchema,
  reject: countSchema,
  /** Good parts the line should have made by now (`targetGood`); null before any planned time. */
  target: z.nullable(countSchema),
  /** This station's stops in the window awaiting a reason, oldest first, small ones flagged. */
  awaiting: z.array(awaitingStopSchema).check(z.maxLength(MAX_AWAITING_IN_STATUS)),
  awaitingCount: z.number().check(z.int(), z.minimum(0)),
  /** This station's ended stops in the window that have a reason (setups aside), newest first. Absent from older services. */
  classified: z.optional(z.array(classifiedStopSchema).check(z.maxLength(MAX_CLASSIFIED_IN_STATUS))),
  /** The latest machine signal of the line's machine station; null for a line without a gateway. */
  lastSignalAt: z.nullable(epochMsSchema),
  /** Per device that made entries at this station: which of them this status includes. Absent from older services. */
  seen: z.optional(z.record(topicIdSchema, seenSeqsSchema)),
  updatedAt: epochMsSchema,
});
export type StationStatus = z.infer<typeof stationStatusSchema>;

/**
 * Retained on `topics.lineStatus` whenever it changes: a dashboard that subscribes sees the
 * present at once.
 */
export const lineStatusSchema = z.object({
  v: z.literal(1),
  /**
   * The publishing leader's order (issue 16, ADR 0017): higher for every later publish, and for
   * every publish of a later leader. Absent from a single service.
   */
  version: leaderVersionSchema,
  siteId: topicIdSchema,
  areaId: topicIdSchema,
  lineId: topicIdSchema,
  state: lineStateSchema,
  /** When the current state began (corrected time); null while unknown. */
  since: z.nullable(epochMsSchema),
  /** The open stop, if any, and its reason once someone gave one. */
  stopId: z.nullable(eventIdSchema),
  reasonId: z.nullable(topicIdSchema),
  /** The open stop waits for a reason from an operator (and is not a minor stop). */
  isAwaitingReason: z.boolean(),
  /** The open stop lies wholly in a break or off shift so far: no loss, no reason needed. Absent from older services. */
  isOffShift: z.optional(z.boolean()),
  /** The open stop is shorter (so far) than the small-stop threshold. Absent from older services. */
  isSmallStop: z.optional(z.boolean()),
  /** The line's open changeover. Absent from older services. */
  changeover: z.optional(z.nullable(openChangeoverSchema)),
  /** Line counts so far in the window: equal to the OEE snapshot's. Absent from older services. */
  good: z.optional(countSchema),
  reject: z.optional(countSchema),
  /** `targetGood` by now; null before any planned time. Absent from older services. */
  target: z.optional(z.nullable(countSchema)),
  /** Stops of the line in the window awaiting a reason (small ones included). Absent from older services. */
  awaitingCount: z.optional(z.number().check(z.int(), z.minimum(0))),
  lastSignalAt: z.optional(z.nullable(epochMsSchema)),
  productId: z.nullable(topicIdSchema),
  shiftId: z.nullable(topicIdSchema),
  /** Author of the latest operator entry on the line. */
  operatorId: z.nullable(topicIdSchema),
  /** The plant configuration version the service runs on: a tablet holding an older one fetches its plant and roster again. */
  configVersion: z.optional(z.number().check(z.int(), z.minimum(1))),
  updatedAt: epochMsSchema,
});
export type LineStatus = z.infer<typeof lineStatusSchema>;


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
  /**
   * The publishing leader's order (issue 16, ADR 0017): higher for every later publish, and for
   * every publish of a later leader. Absent from a single service.
   */
  version: leaderVersionSchema,
  scope: z.enum(['line', 'area', 'site']),
  id: topicIdSchema,
  siteId: topicIdSchema,
  shiftId: z.nullable(topicIdSchema),
  /** The window the figures cover: [from, at). */
  from: epochMsSchema,
  to: epochMsSchema,
  at: epochMsSchema,
  ...headlineFiguresShape,
  /** Target OEE of a line (0..1); absent for areas and the site. */
  targetOee: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  topLosses: z.array(snapshotLossSchema).check(z.maxLength(5)),
});
export type OeeSnapshot = z.infer<typeof oeeSnapshotSchema>;

