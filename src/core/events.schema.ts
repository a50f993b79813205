import { z } from 'zod';
import { epochMsSchema, eventIdSchema, topicIdSchema } from './ids.schema.ts';

/** Version of the event contract; bump on any incompatible change and keep parsing older ones. */
export const EVENT_SCHEMA_VERSION = 1;

/** States a machine gateway reports, PackML-like. Anything but `running` is a machine-detected stop. */
export const machineStates = ['running', 'stopped', 'idle', 'setup', 'fault', 'blocked', 'starved'] as const;

const stopRef = { stopId: eventIdSchema };

/**
 * What happened, without who/when/where. A correction carries a full replacement payload of the
 * same kind, so the raw event stays immutable and the correction is its own auditable event.
 */
export const correctablePayloadSchema = z.discriminatedUnion('type', [
  /** An operator starts a stop. `stopId` is made on the device (by convention the event id). */
  z.object({ type: z.literal('stop.start'), ...stopRef, reasonId: topicIdSchema.optional() }),
  z.object({ type: z.literal('stop.end'), ...stopRef }),
  /** Give (or change) the reason of a stop, operator- or machine-detected. */
  z.object({ type: z.literal('stop.classify'), ...stopRef, reasonId: topicIdSchema }),
  /** Split a stop that had two causes at `at`; the part after `at` becomes `newStopId`. */
  z.object({
    type: z.literal('stop.split'),
    ...stopRef,
    at: epochMsSchema,
    newStopId: eventIdSchema,
    reasonId: topicIdSchema.optional(),
  }),
  /** Count deltas made as `productId` since the last count. */
  z
    .object({
      type: z.literal('count'),
      productId: topicIdSchema,
      good: z.number().int().min(0).max(1_000_000),
      reject: z.number().int().min(0).max(1_000_000),
      scrapReasonId: topicIdSchema.optional(),
    })
    .refine((c) => c.good + c.reject > 0, { message: 'a count must have good or reject above zero', path: ['good'] }),
  /** A late quality check: `quantity` parts counted good earlier turn out to be scrap. */
  z.object({
    type: z.literal('scrap'),
    productId: topicIdSchema,
    quantity: z.number().int().min(1).max(1_000_000),
    reasonId: topicIdSchema,
  }),
  z.object({ type: z.literal('changeover.start'), toProductId: topicIdSchema }),
  z.object({ type: z.literal('changeover.end'), productId: topicIdSchema }),
  z.object({ type: z.literal('note'), text: z.string().min(1).max(2000) }),
  /** From a machine gateway: the machine's state changed. */
  z.object({ type: z.literal('machine.state'), state: z.enum(machineStates), code: z.string().max(64).optional() }),
  /** From a machine gateway: cumulative counter values (resets are detected as a drop). */
  z.object({
    type: z.literal('machine.counter'),
    productId: topicIdSchema.optional(),
    total: z.number().int().min(0),
    rejectTotal: z.number().int().min(0).optional(),
  }),
]);
export type CorrectablePayload = z.infer<typeof correctablePayloadSchema>;

export const eventPayloadSchema = z.union([
  correctablePayloadSchema,
  z.discriminatedUnion('type', [
    /** Supersedes an earlier event with a replacement; `reason` says why (audit trail). */
    z.object({
      type: z.literal('correction'),
      supersedes: eventIdSchema,
      reason: z.string().min(1).max(500),
      replacement: correctablePayloadSchema,
    }),
    /** Cancels an earlier event entirely. */
    z.object({ type: z.literal('void'), voids: eventIdSchema, reason: z.string().min(1).max(500) }),
  ]),
]);
export type EventPayload = z.infer<typeof eventPayloadSchema>;
export type EventType = EventPayload['type'];

export const eventEnvelopeSchema = z.object({
  v: z.literal(EVENT_SCHEMA_VERSION),
  id: eventIdSchema,
  deviceId: topicIdSchema,
  /** Per-device sequence number, gap-free from 0: lets the service see missing entries. */
  seq: z.number().int().min(0),
  /** When it happened, by the device's clock (ms since epoch, UTC). */
  ts: epochMsSchema,
  /** User id of who made the entry (a gateway's user id for machine signals). */
  author: topicIdSchema,
  lineId: topicIdSchema,
  stationId: topicIdSchema,
});
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** One event on the wire and in storage. */
export const eventSchema = z.intersection(eventEnvelopeSchema, eventPayloadSchema);
export type FloorEvent = z.infer<typeof eventSchema>;

/** Largest batch a device sends in one MQTT message. */
export const MAX_BATCH_EVENTS = 500;
/** Largest MQTT payload the service parses at all; bigger ones are dead-lettered unparsed. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/**
 * What a device publishes. Events are parsed one by one, so one bad event is rejected on its own
 * and never blocks the rest of its batch.
 */
export const eventBatchSchema = z.object({
  events: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS),
});

/** Closed set of reasons the service gives for refusing an event. */
export const rejectCodes = [
  'bad-json',
  'bad-shape',
  'too-large',
  'unknown-line',
  'unknown-station',
  'unknown-product',
  'unknown-reason',
  'topic-mismatch',
  'not-allowed',
  'superseded-unknown',
] as const;
export const rejectCodeSchema = z.enum(rejectCodes);
export type RejectCode = z.infer<typeof rejectCodeSchema>;

/**
 * The application-level acknowledgement, published after the database commit on the device's ack
 * topic. Only this removes an entry from a tablet's outbox; a PUBACK proves nothing.
 */
export const ackSchema = z.object({
  deviceId: topicIdSchema,
  /** Stored now, or stored before (a duplicate): either way safe to drop from the outbox. */
  accepted: z.array(eventIdSchema),
  rejected: z.array(
    z.object({
      /** Absent when the event was too broken to have a readable id. */
      id: eventIdSchema.optional(),
      index: z.number().int().min(0),
      code: rejectCodeSchema,
      message: z.string(),
    }),
  ),
  /** Service time at commit, ms since epoch. */
  committedAt: epochMsSchema,
});
export type Ack = z.infer<typeof ackSchema>;

/** Formats zod issues as one line each: "path: message". */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}
