import * as z from 'zod/mini';
import { epochMsSchema, eventIdSchema, topicIdSchema } from './ids.schema.ts';
import { andonAckSources, andonKinds, andonTriggers } from './andon/kinds.ts';

/** Version of the event contract; bump on any incompatible change and keep parsing older ones. */
export const EVENT_SCHEMA_VERSION = 1;

/** States a machine gateway reports, PackML-like. Anything but `running` is a machine-detected stop. */
export const machineStates = ['running', 'stopped', 'idle', 'setup', 'fault', 'blocked', 'starved'] as const;

const stopRef = { stopId: eventIdSchema };

/** One-tap headings of a shift handover. */
export const handoverTopics = ['open-problems', 'material', 'quality'] as const;
export type HandoverTopic = (typeof handoverTopics)[number];

/**
 * Field sets of each payload kind, shared by the payload-only schemas and the flat event schema
 * below, so the two can never disagree.
 */
const payloadShapes = {
  /** An operator starts a stop. `stopId` is made on the device (by convention the event id). */
  stopStart: { type: z.literal('stop.start'), ...stopRef, reasonId: z.optional(topicIdSchema) },
  stopEnd: { type: z.literal('stop.end'), ...stopRef },
  /** Give (or change) the reason of a stop, operator- or machine-detected. */
  stopClassify: { type: z.literal('stop.classify'), ...stopRef, reasonId: topicIdSchema },
  /** Split a stop that had two causes at `at`; the part after `at` becomes `newStopId`. */
  stopSplit: {
    type: z.literal('stop.split'),
    ...stopRef,
    at: epochMsSchema,
    newStopId: eventIdSchema,
    reasonId: z.optional(topicIdSchema),
  },
  /** Count deltas made as `productId` since the last count (see `countIsSomething`). */
  count: {
    type: z.literal('count'),
    productId: topicIdSchema,
    good: z.number().check(z.int(), z.minimum(0), z.maximum(1_000_000)),
    reject: z.number().check(z.int(), z.minimum(0), z.maximum(1_000_000)),
    scrapReasonId: z.optional(topicIdSchema),
  },
  /** A late quality check: `quantity` parts counted good earlier turn out to be scrap. */
  scrap: {
    type: z.literal('scrap'),
    productId: topicIdSchema,
    quantity: z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000)),
    reasonId: topicIdSchema,
  },
  changeoverStart: { type: z.literal('changeover.start'), toProductId: topicIdSchema },
  changeoverEnd: { type: z.literal('changeover.end'), productId: topicIdSchema },
  note: { type: z.literal('note'), text: z.string().check(z.minLength(1), z.maxLength(2000)) },
  /** From a machine gateway: the machine's state changed. */
  machineState: { type: z.literal('machine.state'), state: z.enum(machineStates), code: z.optional(z.string().check(z.maxLength(64))) },
  /** From a machine gateway: cumulative counter values (resets are detected as a drop). */
  machineCounter: {
    type: z.literal('machine.counter'),
    productId: z.optional(topicIdSchema),
    total: z.number().check(z.int(), z.minimum(0)),
    rejectTotal: z.optional(z.number().check(z.int(), z.minimum(0))),
  },
  /** From a machine gateway: it is alive and watching, though nothing changed (see a line's `heartbeatTimeoutSec`). */
  machineHeartbeat: { type: z.literal('machine.heartbeat') },
  /**
   * End of shift: what the outgoing operator (or a lead, for the whole line) hands to the next one.
   * `topics` are the one-tap headings chosen; `text` is free. At least one of them is given.
   */
  handover: {
    type: z.literal('handover'),
    scope: z.enum(['station', 'line']),
    topics: z.array(z.enum(handoverTopics)).check(z.maxLength(handoverTopics.length)),
    text: z.string().check(z.maxLength(2000)),
  },
  /** The incoming operator has read handover `handoverId` (its event id). */
  handoverAck: { type: z.literal('handover.ack'), handoverId: eventIdSchema },
  /**
   * An andon call (src/core/andon): raised by the service's rule engine (a stop too long, no count,
   * scrap, no data) or by an operator's call button (`trigger: 'button'`). The event id is the call id;
   * `cause` names what raised it, so one cause raises one call (the service's ids come from it).
   */
  andonRaise: {
    type: z.literal('andon.raise'),
    kind: z.enum(andonKinds),
    trigger: z.enum(andonTriggers),
    ruleId: z.optional(topicIdSchema),
    cause: z.string().check(z.minLength(1), z.maxLength(200)),
    /** The stop that raised it (a stop rule); not named `stopId`, which marks events that change a stop. */
    causeStopId: z.optional(eventIdSchema),
    reasonId: z.optional(topicIdSchema),
    note: z.optional(z.string().check(z.maxLength(500))),
  },
  /** Someone answers call `callId`: the author, from a tablet, the board or the API. */
  andonAck: { type: z.literal('andon.ack'), callId: eventIdSchema, from: z.enum(andonAckSources) },
  /** Call `callId` is still unacknowledged and reaches escalation `level` (2 and up; the raise is level 1). */
  andonEscalate: { type: z.literal('andon.escalate'), callId: eventIdSchema, level: z.number().check(z.int(), z.minimum(2), z.maximum(9)) },
  /** Call `callId` is over: its cause ended (`auto`), or someone closed it by hand with a note. */
  andonResolve: { type: z.literal('andon.resolve'), callId: eventIdSchema, how: z.enum(['auto', 'hand']), note: z.optional(z.string().check(z.minLength(1), z.maxLength(500))) },
} as const;

/** A call closed by hand says how. */
const resolveIsExplained = (r: { how: string; note?: string | undefined }) => r.how === 'auto' || (r.note ?? '').trim() !== '';
const resolveIsUnexplained = { message: 'a call resolved by hand needs a note', path: ['note'] };

/** A handover must say something: a heading tapped or some text. */
const handoverIsSomething = (h: { topics: readonly string[]; text: string }) => h.topics.length > 0 || h.text.trim() !== '';
const handoverIsNothing = { message: 'a handover needs a topic or some text', path: ['text'] };

/** The one cross-field rule of a count, applied wherever a count is parsed. */
const countIsSomething = (c: { good: number; reject: number }) => c.good + c.reject > 0;
const countIsNothing = { message: 'a count must have good or reject above zero', path: ['good'] };

/**
 * What happened, without who/when/where. A correction carries a full replacement payload of the
 * same kind, so the raw event stays immutable and the correction is its own auditable event.
 */
export const correctablePayloadSchema = z.discriminatedUnion('type', [
  z.object(payloadShapes.stopStart),
  z.object(payloadShapes.stopEnd),
  z.object(payloadShapes.stopClassify),
  z.object(payloadShapes.stopSplit),
  z.object(payloadShapes.count).check(z.refine(countIsSomething, countIsNothing)),
  z.object(payloadShapes.scrap),
  z.object(payloadShapes.changeoverStart),
  z.object(payloadShapes.changeoverEnd),
  z.object(payloadShapes.note),
  z.object(payloadShapes.machineState),
  z.object(payloadShapes.machineCounter),
  z.object(payloadShapes.machineHeartbeat),
  z.object(payloadShapes.handover).check(z.refine(handoverIsSomething, handoverIsNothing)),
  z.object(payloadShapes.handoverAck),
  z.object(payloadShapes.andonRaise),
  z.object(payloadShapes.andonAck),
  z.object(payloadShapes.andonEscalate),
  z.object(payloadShapes.andonResolve).check(z.refine(resolveIsExplained, resolveIsUnexplained)),
]);
export type CorrectablePayload = z.infer<typeof correctablePayloadSchema>;

const amendmentShapes = {
  /** Supersedes an earlier event with a replacement; `reason` says why (audit trail). */
  correction: {
    type: z.literal('correction'),
    supersedes: eventIdSchema,
    reason: z.string().check(z.minLength(1), z.maxLength(500)),
    replacement: correctablePayloadSchema,
  },
  /** Cancels an earlier event entirely. */
  void: { type: z.literal('void'), voids: eventIdSchema, reason: z.string().check(z.minLength(1), z.maxLength(500)) },
} as const;

export const eventPayloadSchema = z.union([
  correctablePayloadSchema,
  z.discriminatedUnion('type', [z.object(amendmentShapes.correction), z.object(amendmentShapes.void)]),
]);
export type EventPayload = z.infer<typeof eventPayloadSchema>;
export type EventType = EventPayload['type'];

const envelopeShape = {
  v: z.literal(EVENT_SCHEMA_VERSION),
  id: eventIdSchema,
  deviceId: topicIdSchema,
  /** Per-device sequence number, gap-free from 0: lets the service see missing entries. */
  seq: z.number().check(z.int(), z.minimum(0)),
  /** When it happened, by the device's clock (ms since epoch, UTC). */
  ts: epochMsSchema,
  /** User id of who made the entry (a gateway's user id for machine signals). */
  author: topicIdSchema,
  lineId: topicIdSchema,
  stationId: topicIdSchema,
};
export const eventEnvelopeSchema = z.object(envelopeShape);
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** One flat object schema: the envelope's fields followed by one payload kind's. */
const withEnvelope = <S extends z.core.$ZodLooseShape>(shape: S) => z.object({ ...envelopeShape, ...shape });

/**
 * One event on the wire and in storage: envelope plus payload, as ONE discriminated union of flat
 * objects. zod picks the branch by `type` and checks one plain object, about three times cheaper
 * than `intersection(envelope, payload)` (ingest's largest cost, see docs/benchmarks.md), and an
 * unknown `type` is reported as such, with the allowed types.
 */
export const eventSchema = z.discriminatedUnion('type', [
  withEnvelope(payloadShapes.stopStart),
  withEnvelope(payloadShapes.stopEnd),
  withEnvelope(payloadShapes.stopClassify),
  withEnvelope(payloadShapes.stopSplit),
  withEnvelope(payloadShapes.count).check(z.refine(countIsSomething, countIsNothing)),
  withEnvelope(payloadShapes.scrap),
  withEnvelope(payloadShapes.changeoverStart),
  withEnvelope(payloadShapes.changeoverEnd),
  withEnvelope(payloadShapes.note),
  withEnvelope(payloadShapes.machineState),
  withEnvelope(payloadShapes.machineCounter),
  withEnvelope(payloadShapes.machineHeartbeat),
  withEnvelope(payloadShapes.handover).check(z.refine(handoverIsSomething, handoverIsNothing)),
  withEnvelope(payloadShapes.handoverAck),
  withEnvelope(payloadShapes.andonRaise),
  withEnvelope(payloadShapes.andonAck),
  withEnvelope(payloadShapes.andonEscalate),
  withEnvelope(payloadShapes.andonResolve).check(z.refine(resolveIsExplained, resolveIsUnexplained)),
  withEnvelope(amendmentShapes.correction),
  withEnvelope(amendmentShapes.void),
]);
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
  events: z.array(z.unknown()).check(z.minLength(1), z.maxLength(MAX_BATCH_EVENTS)),
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
  /** The event's time is too far from the service's clock, even after the device's clock offset. */
  'bad-time',
  /** An id already stored with different content: the first content stays. */
  'conflict',
  /** A code this version does not know yet (a newer service sent it); the message still says why. */
  'other',
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
      id: z.optional(eventIdSchema),
      index: z.number().check(z.int(), z.minimum(0)),
      // An older tablet must not throw away a whole ack (and resend forever) over a code added later.
      code: z.catch(rejectCodeSchema, 'other'),
      message: z.string(),
    }),
  ),
  /** Service time at commit, ms since epoch. */
  committedAt: epochMsSchema,
});
export type Ack = z.infer<typeof ackSchema>;

/** Formats zod issues as one line each: "path: message". */
export function describeIssues(error: z.core.$ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}
