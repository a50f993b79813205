import { z } from 'zod';
import { epochMsSchema, topicIdSchema } from '../../core/ids.schema.ts';
import { rejectCodeSchema, type FloorEvent } from '../../core/events.schema.ts';
import { FloorboardError } from '../../core/errors.ts';
import type { BigLoss } from '../../core/oee/report.ts';
import type { AdminAction, PlantVersionEntry, StoredPlantVersion } from './plant-version-codec.ts';

/**
 * The plant service's one storage port. Two adapters implement it (SQLite, PostgreSQL) and both
 * pass `test/server/storage/storage.contract.ts`. Every method is async so PostgreSQL fits; every
 * write is one transaction, so callers can update memory and publish acks after it resolves.
 */
export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending migrations in order; safe to call again. Returns the versions it applied. */
  migrate(): Promise<number[]>;
  /**
   * Stores a batch in one transaction, idempotent on the event id: an id already stored (or
   * repeated earlier in the same batch) is reported as a duplicate and left untouched (the first
   * stored copy wins). Events must come from the core `eventSchema` (ingest parses them); the
   * receipt and stored columns are checked here and a bad record refuses the whole batch.
   *
   * @example
   * const { inserted, duplicates } = await storage.insertEvents([{ event, topic, receivedAt, clockOffsetMs: 0, correctedTs: event.ts }]);
   * // publish the ack for [...inserted, ...duplicates] only now: both are safely stored.
   */
  insertEvents(records: readonly StoredEventInput[]): Promise<InsertResult>;
  /** Events in storage order (or corrected-time order), with rows that no longer parse reported apart. */
  listEvents(query?: EventQuery): Promise<EventPage>;
  /** The highest storage sequence stored so far; 0 before the first event (where a tail of commits starts). */
  lastStorageSeq(): Promise<number>;
  /** Who wrote these stored events, where and when: what a void or correction is checked against. */
  findEventOrigins(ids: readonly string[]): Promise<EventOrigin[]>;
  insertDeadLetter(letter: DeadLetterInput): Promise<DeadLetter>;
  /** Newest first. */
  listDeadLetters(limit: number): Promise<DeadLetter[]>;
  /** Newest first (descending id), filtered; page on with `beforeId` = the last id of a page. */
  findDeadLetters(query: DeadLetterQuery): Promise<DeadLetter[]>;
  /**
   * Inserts or overwrites the buckets keyed by (lineId, start), in one transaction. With a fence,
   * only while that lease's epoch is still the one given (PostgreSQL; else FencedWriteError).
   */
  upsertHourlyBuckets(rows: readonly HourlyBucketInput[], fence?: WriteFence): Promise<void>;
  /** The earliest corrected time of the events stored after `afterSeq`; null when none is. */
  firstCorrectedTsAfter(afterSeq: number): Promise<number | null>;
  /** A mark's value (see `raiseMark`), null before it was first set. */
  readMark(name: StorageMarkName): Promise<number | null>;
  /** Sets a mark to `value` unless it already stands higher: marks never move back. Fenced like the buckets. */
  raiseMark(name: StorageMarkName, value: number, fence?: WriteFence): Promise<void>;
  /** Buckets with `from <= start < to`, ordered by line then start. */
  listHourlyBuckets(query: BucketQuery): Promise<HourlyBucket[]>;
  /** Inserts or updates a device; `lastSeq` and `lastSeenAt` never move backwards. */
  upsertDevice(device: Device): Promise<Device>;
  getDevice(deviceId: string): Promise<Device | null>;
  /** Stores the claim unless the device is already claimed; resolves the claim that holds (the first one wins). */
  claimDevice(claim: DeviceClaim): Promise<DeviceClaim>;
  getDeviceClaim(deviceId: string): Promise<DeviceClaim | null>;
  listDevices(): Promise<Device[]>;
  /** Every device claim, by device id. */
  listDeviceClaims(): Promise<DeviceClaim[]>;
  /**
   * Records a revocation and deletes the device's claim, in one transaction; resolves the stored
   * revocation with `claimedBy` = the owner of the claim it ended (null when none).
   */
  revokeDevice(revocation: DeviceRevocationInput): Promise<DeviceRevocation>;
  /** Every revocation, oldest first: the audit trail, and what a token is checked against. */
  listDeviceRevocations(): Promise<DeviceRevocation[]>;
  /**
   * The service's run log (docs/adr/0009-no-data.md): a run starts, is alive now and then, and ends
   * on a clean stop; a crashed run ends at its last `aliveAt`. The gaps between runs nobody saw.
   */
  startRun(at: number): Promise<number>;
  /** Marks the run alive at `at` (never moves back); the end of a crashed run. */
  touchRun(runId: number, at: number): Promise<void>;
  /** Ends the run at `at` (a clean stop). */
  endRun(runId: number, at: number): Promise<void>;
  /** Every run, oldest first. */
  listRuns(): Promise<ServiceRun[]>;
  /** The corrected time of each line's first stored event: monitoring starts there. Lines with none are left out. */
  firstEventTimes(lineIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Per line and per each of `types`, its latest `perType` events with corrected time before
   * `before`, oldest first: what a live fold needs of the time before its window (an open stop,
   * the machine's last state, the product) however long ago the line last had one.
   */
  latestEventsBefore(query: LatestEventsQuery): Promise<StoredEvent[]>;
  /** Stores a shift report unless one of (line, shift start) is stored; true when this one was stored. */
  insertShiftReport(report: StoredShiftReport): Promise<boolean>;
  /** The stored report of a line's shift, as made; null when none was made. */
  getShiftReport(lineId: string, shiftStart: number): Promise<StoredShiftReport | null>;
  /** Stored reports (without their model) of these lines with `from <= shiftStart < to`, by line then start. */
  listShiftReports(query: BucketQuery): Promise<ShiftReportEntry[]>;
  /** Logs one try of an andon delivery; a try already logged (same delivery and attempt) is left as it was. */
  insertAndonDeliveryAttempt(attempt: AndonDeliveryAttempt): Promise<void>;
  /** Logged tries, oldest first: the newest `limit` of them that match. */
  listAndonDeliveryAttempts(query: AndonDeliveryQuery): Promise<AndonDeliveryAttempt[]>;
  /** The newest plant configuration version; null before the first (issue 13). */
  latestPlantVersion(): Promise<StoredPlantVersion | null>;
  getPlantVersion(version: number): Promise<StoredPlantVersion | null>;
  /** Stores a version unless its number is taken; false when another apply took it first. */
  insertPlantVersion(version: StoredPlantVersion): Promise<boolean>;
  /** The newest `limit` versions, newest first, without their plant. */
  listPlantVersions(limit: number): Promise<PlantVersionEntry[]>;
  insertAdminAction(action: Omit<AdminAction, 'id'>): Promise<void>;
  /** Newest first. */
  listAdminActions(limit: number): Promise<AdminAction[]>;
  /**
   * Storage's own upkeep at `now`: on PostgreSQL the month partitions of events for this month and
   * the next, and with `retentionMonths` the months older than that dropped. SQLite has none.
   */
  upkeep(now: number, retentionMonths?: number): Promise<UpkeepResult>;
  close(): Promise<void>;
}

/** What an upkeep did: partitions made and months dropped (their names). */
export interface UpkeepResult {
  made: string[];
  dropped: string[];
}

export const andonDeliveryChannels = ['webhook', 'email', 'mqtt'] as const;
export type AndonDeliveryChannel = (typeof andonDeliveryChannels)[number];

/** One try of one andon message (a call's change) on one channel to one target. */
export const andonDeliveryAttemptSchema = z.object({
  /** The message to the target: its tries share it. */
  deliveryId: z.string().min(1).max(64),
  callId: z.string().min(1).max(64),
  lineId: topicIdSchema,
  channel: z.enum(andonDeliveryChannels),
  /** A webhook's id, the mail's recipients, or the MQTT topic. */
  target: z.string().min(1).max(2000),
  /** What happened to the call: raised, escalated, acknowledged, resolved. */
  change: z.string().min(1).max(32),
  /** 1 for the first try. */
  attempt: z.number().int().min(1).max(1000),
  at: epochMsSchema,
  ms: z.number().int().min(0),
  /** `dead`: the last try failed and no more will follow (dead-lettered). */
  outcome: z.enum(['delivered', 'failed', 'dead']),
  /** HTTP status or SMTP reply code; null when none came. */
  status: z.number().int().nullable(),
  error: z.string().max(4000).nullable(),
});
export type AndonDeliveryAttempt = z.infer<typeof andonDeliveryAttemptSchema>;

export const andonDeliveryQuerySchema = z.object({
  callId: z.string().min(1).max(64).optional(),
  lineIds: z.array(topicIdSchema).optional(),
  /** Only the tries of deliveries that were dead-lettered. */
  onlyDead: z.boolean().optional(),
  /** Only tries made at or after this time. */
  from: z.optional(epochMsSchema),
  limit: z.number().int().min(1).max(100_000),
});
export type AndonDeliveryQuery = z.infer<typeof andonDeliveryQuerySchema>;

/** A stored shift report's key and times. */
export interface ShiftReportEntry {
  lineId: string;
  shiftStart: number;
  shiftEnd: number;
  shiftId: string;
  madeAt: number;
}

/** A shift report as stored: `model` is the JSON of the core ShiftReport. */
export interface StoredShiftReport extends ShiftReportEntry {
  model: string;
}

/** One run of the service, from its run log. */
export interface ServiceRun {
  id: number;
  startedAt: number;
  aliveAt: number;
  /** null while the run goes on, or after a crash. */
  endedAt: number | null;
}

const msSchema = z.number().finite();

/** What the service adds to an event when it receives it. */
export const receiptSchema = z.object({
  /** Service time at receipt, ms since epoch. */
  receivedAt: epochMsSchema,
  /** Device clock minus service clock, ms (positive: the device runs ahead). */
  clockOffsetMs: z.number().int(),
  /** `ts` corrected by the clock offset: the time every query and the OEE engine use. */
  correctedTs: epochMsSchema,
  /** MQTT topic the event arrived on. */
  topic: z.string().min(1).max(1024),
});
export type Receipt = z.infer<typeof receiptSchema>;

/** One event to store: the core event untouched, plus the receipt. */
export interface StoredEventInput extends Receipt {
  event: FloorEvent;
}

/** One stored event read back, with its storage sequence (strictly increasing in commit order). */
export interface StoredEvent extends StoredEventInput {
  storageSeq: number;
}

/** Marks kept in storage. `buckets`: the storage sequence through which every event is in the hourly buckets. */
export type StorageMarkName = 'buckets';

/**
 * A leader's write is made only while its lease (`leader_leases`, cluster/leader-lease.ts) still
 * has the epoch it leads under: checked in the write's own transaction, with the lease row held,
 * so a new leader's take waits for it and no old leader's write lands after the take.
 */
export interface WriteFence {
  lease: string;
  epoch: number;
}

/** A fenced write refused: another instance leads now (a conflict, not a storage failure: /healthz stays as it is). */
export class FencedWriteError extends FloorboardError {
  constructor(fence: WriteFence, now: number | null) {
    super('conflict', `not written: lease ${fence.lease} is at epoch ${now ?? 'none'}, this instance led under ${fence.epoch}`);
  }
}

export interface InsertResult {
  inserted: string[];
  duplicates: string[];
}

export const eventQuerySchema = z.object({
  lineIds: z.array(topicIdSchema).optional(),
  /** Only these event ids (ingest reads back what a resend collided with); at most a group's worth. */
  ids: z.array(z.string().min(1).max(64)).max(10_000).optional(),
  /** Only events of these types (a lead's correction reads the earlier corrections of its target). */
  types: z.array(z.string().min(1).max(32)).max(32).optional(),
  /** Corrected time, inclusive. */
  from: z.optional(epochMsSchema),
  /** Corrected time, exclusive. */
  to: z.optional(epochMsSchema),
  /** Only events stored after this storage sequence (catch-up). */
  afterSeq: z.number().int().min(0).optional(),
  /** `seq` (default): storage order, for catch-up. `time`: corrected time, then storage order. */
  orderBy: z.enum(['seq', 'time']).optional(),
  limit: z.number().int().min(1).max(1_000_000).optional(),
});
export type EventQuery = z.infer<typeof eventQuerySchema>;

export const latestEventsQuerySchema = z.object({
  lineIds: z.array(topicIdSchema).max(10_000),
  types: z.array(z.string().min(1).max(64)).max(64),
  before: epochMsSchema,
  perType: z.number().int().min(1).max(1000),
});
export type LatestEventsQuery = z.infer<typeof latestEventsQuerySchema>;

/** A stored row that no longer parses as a core event: reported, never thrown through. */
export interface UnreadableEvent {
  storageSeq: number;
  id: string;
  issues: string[];
}

export interface EventPage {
  events: StoredEvent[];
  unreadable: UnreadableEvent[];
  /** Highest storage sequence in this page (readable or not), to resume with `afterSeq`. */
  lastSeq: number | null;
}

/** Dead-letter payloads are cut to this many UTF-8 bytes. */
export const MAX_DEAD_LETTER_BYTES = 64 * 1024;

export const deadLetterInputSchema = z.object({
  receivedAt: epochMsSchema,
  topic: z.string().max(1024),
  deviceId: z.string().max(256).optional(),
  code: rejectCodeSchema,
  message: z.string().max(4000),
  /** The raw payload as text; stored cut to MAX_DEAD_LETTER_BYTES. */
  payload: z.string(),
});
export type DeadLetterInput = z.infer<typeof deadLetterInputSchema>;

export const deadLetterQuerySchema = z.object({
  /** Any of these codes; absent: every code. */
  codes: z.array(rejectCodeSchema).min(1).optional(),
  deviceId: z.string().max(256).optional(),
  /** Receipt time, inclusive. */
  from: z.optional(epochMsSchema),
  /** Receipt time, exclusive. */
  to: z.optional(epochMsSchema),
  /** Only letters with a smaller id (the cursor of the next page). */
  beforeId: z.number().int().min(1).optional(),
  limit: z.number().int().min(1).max(10_000),
});
export type DeadLetterQuery = z.infer<typeof deadLetterQuerySchema>;

export interface DeadLetter extends DeadLetterInput {
  id: number;
  /** Size of the payload as received, in UTF-8 bytes. */
  payloadBytes: number;
  isTruncated: boolean;
}

const count = z.number().int().min(0);
const duration = msSchema.min(0);

/**
 * Additive figures of one line for one hour (see OeeFigures): sums, never ratios, so any window
 * and any roll-up is summed from buckets and the ratios derived afterwards.
 */
export const hourlyBucketSchema = z
  .object({
  lineId: topicIdSchema,
  /** Bucket start, ms since epoch; the bucket covers [start, start + 1 h). */
  start: epochMsSchema,
  allTimeMs: duration,
  plannedMs: duration,
  plannedStopMs: duration,
  stopMs: duration,
  runMs: duration,
  idealMs: duration,
  // An hour's good can go below zero: a late quality check (`scrap`) books parts counted good in
  // earlier hours at its own time (ADR 0002).
  good: z.number().int(),
  reject: count,
  stopCount: count,
  minorStopCount: count,
  lossMs: z.object({
    breakdown: duration,
    setup: duration,
    'minor-stop': duration,
    'reduced-speed': duration,
    'process-defect': duration,
    'reduced-yield': duration,
  }) satisfies z.ZodType<Record<BigLoss, number>>,
  /** Stops booked to breakdown (MTBF, MTTR); 0 in buckets written before schema version 4. */
  breakdownCount: count.default(0),
  /**
   * Every reason tally of the hour (stop time and stops first counted in it); null in buckets
   * written before schema version 4, which a history query therefore cannot use.
   */
  reasons: z
    .array(
      z.object({
        reasonId: z.string().min(1).nullable(),
        loss: z.enum(['breakdown', 'setup', 'minor-stop', 'reduced-speed', 'process-defect', 'reduced-yield']),
        durationMs: duration,
        count,
      }),
    )
    .nullable()
    .default(null),
  /** No-data time of the hour (docs/adr/0009-no-data.md); 0 in buckets written before schema version 5. */
  noDataMs: duration.default(0),
  /** Planned time as scheduled, no-data time included; null before schema version 5, then read as plannedMs. */
  scheduledMs: duration.nullable().default(null),
  })
  .transform((b) => ({ ...b, scheduledMs: b.scheduledMs ?? b.plannedMs }));
export type HourlyBucket = z.infer<typeof hourlyBucketSchema>;
/** A bucket as written: the later fields may be left out (then 0, null, 0 and plannedMs). */
export type HourlyBucketInput = z.input<typeof hourlyBucketSchema>;

export const bucketQuerySchema = z.object({
  lineIds: z.array(topicIdSchema).optional(),
  from: epochMsSchema,
  to: epochMsSchema,
});
export type BucketQuery = z.infer<typeof bucketQuerySchema>;

export const deviceSchema = z.object({
  deviceId: topicIdSchema,
  /** Highest per-device sequence number stored, -1 before the first event. */
  lastSeq: z.number().int().min(-1),
  clockOffsetMs: z.number().int(),
  lastSeenAt: epochMsSchema,
  isClockFlagged: z.boolean(),
});
export type Device = z.infer<typeof deviceSchema>;

/** The user a device id belongs to: whoever first signed in with it (an enrolling lead, a gateway). */
export const deviceClaimSchema = z.object({
  deviceId: topicIdSchema,
  userId: topicIdSchema,
  claimedAt: epochMsSchema,
});
export type DeviceClaim = z.infer<typeof deviceClaimSchema>;

export const deviceRevocationInputSchema = z.object({
  deviceId: topicIdSchema,
  revokedAt: epochMsSchema,
  /** The signed-in admin who revoked it (the CLI signs in as one too). */
  revokedBy: topicIdSchema,
  reason: z.string().max(500),
});
export type DeviceRevocationInput = z.infer<typeof deviceRevocationInputSchema>;
export interface DeviceRevocation extends DeviceRevocationInput {
  id: number;
  /** Whose claim the revocation ended; null when the device was not claimed. */
  claimedBy: string | null;
}

/** Author, place and time of a stored event. */
export interface EventOrigin {
  id: string;
  type: FloorEvent['type'];
  author: string;
  /** The device it was entered on: an operator's undo must come from the same tablet. */
  deviceId: string;
  lineId: string;
  stationId: string;
  /** Its device's own time (an undo from the same tablet is timed against it on that tablet's clock). */
  ts: number;
  correctedTs: number;
}
