import { z } from 'zod';
import { describeIssues, eventEnvelopeSchema, type FloorEvent } from '../../core/events.schema.ts';
import { compiledEventSchema } from '../../core/event-parser.ts';
import { FloorboardError } from '../../core/errors.ts';
import { receiptSchema, type EventPage, type StoredEvent, type StoredEventInput, type UnreadableEvent } from './storage.ts';

/** Column order of the events table, shared by both adapters' insert statements. */
export const EVENT_COLUMNS = [
  'id',
  'v',
  'device_id',
  'seq',
  'line_id',
  'station_id',
  'type',
  'ts',
  'corrected_ts',
  'received_at',
  'clock_offset_ms',
  'author',
  'topic',
  'payload',
] as const;

export type EventRowValues = [
  string, number, string, number, string, string, string, number, number, number, number, string, string, string,
];

/** A row as the drivers hand it back: PostgreSQL gives bigints as strings and json already parsed. */
export interface EventRow {
  storage_seq: number | string;
  id: string;
  v: number | string;
  device_id: string;
  seq: number | string;
  line_id: string;
  station_id: string;
  ts: number | string;
  corrected_ts: number | string;
  received_at: number | string;
  clock_offset_ms: number | string;
  author: string;
  topic: string;
  payload: unknown;
}

/**
 * The envelope is stored as columns (indexed, queryable) and only the rest as JSON, so the two can
 * never disagree. The core event is not re-validated here: ingest has parsed it already and this is
 * the hot path; only the cheap envelope and the service's receipt are checked.
 */
export function toRowValues(record: StoredEventInput): EventRowValues {
  const { v, id, deviceId, seq, ts, author, lineId, stationId, ...payload } = record.event;
  return [
    id, v, deviceId, seq, lineId, stationId, payload.type, ts,
    record.correctedTs, record.receivedAt, record.clockOffsetMs, author, record.topic, JSON.stringify(payload),
  ];
}

const recordCheckSchema = z.object({ event: z.looseObject(eventEnvelopeSchema.shape) }).extend(receiptSchema.shape);

const isMs = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
const isText = (s: unknown) => typeof s === 'string' && s.length > 0;

/**
 * Cheap guard, never stricter than the zod schemas: a record that passes it is what zod would
 * accept for the stored columns. It keeps zod, the largest per-record cost of a bulk insert, off
 * the hot path; a record that fails it is parsed with zod for the precise message.
 */
function looksValid(r: StoredEventInput): boolean {
  const e = r.event as Partial<FloorEvent> | undefined;
  return (
    typeof e === 'object' && e !== null && e.v === 1 && isText(e.id) && isText(e.deviceId) && isText(e.lineId) &&
    isText(e.stationId) && isText(e.author) && isText(e.type) && isMs(e.seq) && isMs(e.ts) && isMs(r.receivedAt) &&
    isMs(r.correctedTs) && Number.isSafeInteger(r.clockOffsetMs) && isText(r.topic) && r.topic.length <= 1024
  );
}

/** Checks a batch before it reaches the database; every bad record is listed with its index. */
export function checkRecords(records: readonly StoredEventInput[]): void {
  const problems: string[] = [];
  records.forEach((record, index) => {
    if (looksValid(record)) return;
    const result = recordCheckSchema.safeParse(record);
    if (!result.success) for (const line of describeIssues(result.error)) problems.push(`records.${index}.${line}`);
  });
  if (problems.length > 0) {
    throw new FloorboardError('invalid-event', `storage refused ${problems.length} problem(s) in the batch`, {
      details: problems,
    });
  }
}

/** Keeps the first record of each id; later repeats in the same batch are duplicates. */
export function dedupeBatch(records: readonly StoredEventInput[]): {
  unique: StoredEventInput[];
  repeated: string[];
} {
  const seen = new Set<string>();
  const unique: StoredEventInput[] = [];
  const repeated: string[] = [];
  for (const record of records) {
    if (seen.has(record.event.id)) repeated.push(record.event.id);
    else {
      seen.add(record.event.id);
      unique.push(record);
    }
  }
  return { unique, repeated };
}

/** Rebuilds the core event from a row and parses it again: a row written by an older or broken build is reported. */
export function fromRow(row: EventRow): StoredEvent | UnreadableEvent {
  const storageSeq = Number(row.storage_seq);
  let payload: unknown = row.payload;
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload);
    } catch {
      return { storageSeq, id: row.id, issues: ['payload: not valid JSON'] };
    }
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { storageSeq, id: row.id, issues: ['payload: not a JSON object'] };
  }
  // The envelope goes onto the payload object itself (the schema parse below copies it anyway).
  // Not a new literal spreading the payload with the envelope after it: in V8 the new keys after a
  // spread leave the fast path, many times the cost of these assignments on every row read.
  const candidate = payload as Record<string, unknown>;
  candidate.v = Number(row.v);
  candidate.id = row.id;
  candidate.deviceId = row.device_id;
  candidate.seq = Number(row.seq);
  candidate.ts = Number(row.ts);
  candidate.author = row.author;
  candidate.lineId = row.line_id;
  candidate.stationId = row.station_id;
  const parsed = compiledEventSchema.safeParse(candidate);
  if (!parsed.success) return { storageSeq, id: row.id, issues: describeIssues(parsed.error) };
  return {
    storageSeq,
    event: parsed.data,
    receivedAt: Number(row.received_at),
    clockOffsetMs: Number(row.clock_offset_ms),
    correctedTs: Number(row.corrected_ts),
    topic: row.topic,
  };
}

/** Wraps a driver error in the one error type, keeping the cause. */
export function storageFailed(operation: string, cause: unknown): FloorboardError {
  if (cause instanceof FloorboardError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new FloorboardError('storage-failed', `storage: ${operation} failed: ${reason}`, { cause });
}

/** Decodes a page of rows read in storage order; unreadable rows are reported, never thrown. */
export function pageFromRows(rows: readonly EventRow[]): EventPage {
  const page: EventPage = { events: [], unreadable: [], lastSeq: null };
  for (const row of rows) {
    const decoded = fromRow(row);
    if ('event' in decoded) page.events.push(decoded);
    else page.unreadable.push(decoded);
    page.lastSeq = Number(row.storage_seq);
  }
  return page;
}
