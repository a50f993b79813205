import {
  describeIssues,
  eventBatchSchema,
  eventEnvelopeSchema,
  eventIdSchema,
  eventPayloadSchema,
  MAX_PAYLOAD_BYTES,
  parseTopic,
  topicIdSchema,
  type FloorEvent,
  type ParsedTopic,
  type RejectCode,
  type User,
} from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import { checkEvent } from './event-checks.ts';

export type IngestTopic = Extract<ParsedTopic, { kind: 'events' | 'signals' | 'corrections' }>;

/** One event refused, with what could be read of it. */
export interface RejectedEntry {
  index: number;
  id?: string;
  deviceId?: string;
  code: RejectCode;
  message: string;
  /** The entry as received, for the dead-letter table. */
  raw: unknown;
}

export type ParsedMessage =
  /** The whole message is unusable: dead-letter it once. */
  | { kind: 'dead'; code: RejectCode; message: string; deviceId?: string }
  | { kind: 'batch'; topic: IngestTopic; accepted: { index: number; event: FloorEvent }[]; rejected: RejectedEntry[] };

const readId = (raw: unknown, key: 'id' | 'deviceId'): string | undefined => {
  const value = (raw as Record<string, unknown> | null)?.[key];
  const schema = key === 'id' ? eventIdSchema : topicIdSchema;
  return schema.safeParse(value).success ? (value as string) : undefined;
};

/**
 * Turns one MQTT message into accepted events and refusals, never throwing: size limit, JSON,
 * batch shape, then each event on its own (schema, then plant and topic checks), so one bad event
 * never blocks the rest of its batch.
 */
export function parseMessage(topicName: string, payload: Buffer, index: PlantIndex, usersById: ReadonlyMap<string, User>): ParsedMessage {
  const topic = parseTopic(topicName);
  if (!topic || (topic.kind !== 'events' && topic.kind !== 'signals' && topic.kind !== 'corrections'))
    return { kind: 'dead', code: 'topic-mismatch', message: `"${topicName}" is not an ingest topic` };
  if (topic.site !== index.site) return { kind: 'dead', code: 'topic-mismatch', message: `site "${topic.site}" is not this plant's site "${index.site}"` };
  if (payload.length > MAX_PAYLOAD_BYTES)
    return { kind: 'dead', code: 'too-large', message: `payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch (error) {
    return { kind: 'dead', code: 'bad-json', message: `not JSON: ${(error as Error).message}` };
  }
  const batch = eventBatchSchema.safeParse(json);
  if (!batch.success) {
    const events = (json as { events?: unknown } | null)?.events;
    const deviceId = Array.isArray(events) ? events.map((e) => readId(e, 'deviceId')).find(Boolean) : undefined;
    return { kind: 'dead', code: 'bad-shape', message: `not an event batch: ${describeIssues(batch.error).join('; ')}`, ...(deviceId ? { deviceId } : {}) };
  }
  const accepted: { index: number; event: FloorEvent }[] = [];
  const rejected: RejectedEntry[] = [];
  batch.data.events.forEach((raw, i) => {
    const id = readId(raw, 'id');
    const deviceId = readId(raw, 'deviceId');
    const refuse = (code: RejectCode, message: string) =>
      rejected.push({ index: i, code, message, raw, ...(id ? { id } : {}), ...(deviceId ? { deviceId } : {}) });
    // The same as eventSchema (an intersection), parsed as its two halves: zod's intersection
    // merge was the largest cost of ingest (bench/ingest.bench.ts).
    const envelope = eventEnvelopeSchema.safeParse(raw);
    const payload = eventPayloadSchema.safeParse(raw);
    if (!envelope.success || !payload.success) {
      const issues = [...(envelope.error ? describeIssues(envelope.error) : []), ...(payload.error ? describeIssues(payload.error) : [])];
      return refuse('bad-shape', issues.join('; '));
    }
    const event = { ...envelope.data, ...payload.data } as FloorEvent;
    const refusal = checkEvent(event, topic, index, usersById);
    if (refusal) return refuse(refusal.code, refusal.message);
    accepted.push({ index: i, event });
  });
  return { kind: 'batch', topic, accepted, rejected };
}
