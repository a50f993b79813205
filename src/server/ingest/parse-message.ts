import type { z } from 'zod';
import { describeEventProblems } from '../../core/event-issues.ts';
import { compiledEventSchema } from '../../core/event-parser.ts';
import {
  describeIssues,
  eventBatchSchema,
  eventIdSchema,
  MAX_BATCH_EVENTS,
  parseTopic,
  topicIdSchema,
  type FloorEvent,
  type ParsedTopic,
  type RejectCode,
  type User,
} from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import { checkEvent } from './event-checks.ts';
import { readPayload } from './read-payload.ts';

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
  | { kind: 'dead'; code: RejectCode; message: string; deviceId?: string; ids?: string[] }
  | { kind: 'batch'; topic: IngestTopic; accepted: { index: number; event: FloorEvent }[]; rejected: RejectedEntry[] };

const readId = (raw: unknown, key: 'id' | 'deviceId'): string | undefined => {
  const value = (raw as Record<string, unknown> | null)?.[key];
  const schema = key === 'id' ? eventIdSchema : topicIdSchema;
  return schema.safeParse(value).success ? (value as string) : undefined;
};

/** Why an event failed `eventSchema`, in the CLI's precise words (zod's own as a fallback). */
function badShape(raw: unknown, error: z.core.$ZodError): string {
  const problems = describeEventProblems(raw);
  return (problems.length ? problems : describeIssues(error)).join('; ');
}

/** Parsed ingest topics by name: a plant has a few hundred, and each parse checks every segment with zod. */
const topicCache = new Map<string, ParsedTopic | null>();
/** Beyond this many names (a client probing topics) the cache starts over instead of growing. */
const TOPIC_CACHE_MAX = 10_000;

function parseTopicCached(topicName: string): ParsedTopic | null {
  let topic = topicCache.get(topicName);
  if (topic === undefined) {
    // Frozen: one parsed topic is shared by every message on it.
    topic = parseTopic(topicName);
    if (topic) Object.freeze(topic);
    if (topicCache.size >= TOPIC_CACHE_MAX) topicCache.clear();
    topicCache.set(topicName, topic);
  }
  return topic;
}

/**
 * Turns one MQTT message into accepted events and refusals, never throwing: size limit, JSON,
 * batch shape, then each event on its own (schema, then plant and topic checks), so one bad event
 * never blocks the rest of its batch.
 */
export function parseMessage(topicName: string, payload: Buffer, index: PlantIndex, usersById: ReadonlyMap<string, User>): ParsedMessage {
  const topic = parseTopicCached(topicName);
  if (!topic || (topic.kind !== 'events' && topic.kind !== 'signals' && topic.kind !== 'corrections'))
    return { kind: 'dead', code: 'topic-mismatch', message: `"${topicName}" is not an ingest topic` };
  if (topic.site !== index.site) return { kind: 'dead', code: 'topic-mismatch', message: `site "${topic.site}" is not this plant's site "${index.site}"` };
  const read = readPayload(payload);
  if ('code' in read) return { kind: 'dead', ...read };
  const json = read.value;
  // The common case without zod (its parse copies the array); anything else gets zod's words.
  const rawEvents = (json as { events?: unknown } | null)?.events;
  const batch: { success: true; data: { events: unknown[] } } | ReturnType<typeof eventBatchSchema.safeParse> =
    typeof json === 'object' && Array.isArray(rawEvents) && rawEvents.length >= 1 && rawEvents.length <= MAX_BATCH_EVENTS
      ? { success: true, data: { events: rawEvents } }
      : eventBatchSchema.safeParse(json);
  if (!batch.success) {
    const deviceId = Array.isArray(rawEvents) ? rawEvents.map((e) => readId(e, 'deviceId')).find(Boolean) : undefined;
    return { kind: 'dead', code: 'bad-shape', message: `not an event batch: ${describeIssues(batch.error).join('; ')}`, ...(deviceId ? { deviceId } : {}) };
  }
  const accepted: { index: number; event: FloorEvent }[] = [];
  const rejected: RejectedEntry[] = [];
  const events = batch.data.events;
  const allowed = new Map<string, boolean>();
  // A plain loop without per-event closures: this runs for every event of every message.
  for (let i = 0; i < events.length; i++) {
    const raw = events[i];
    const parsed = compiledEventSchema.safeParse(raw);
    const refusal = parsed.success
      ? checkEvent(parsed.data, topic, index, usersById, allowed)
      : // The cold path words the problem precisely (a bad count says "good: ...", a bad id
        // "must be a ULID or UUIDv7" instead of a union's "Invalid input").
        { code: 'bad-shape' as const, message: badShape(raw, parsed.error) };
    if (refusal === null) {
      accepted.push({ index: i, event: parsed.data! });
      continue;
    }
    const id = readId(raw, 'id');
    const deviceId = readId(raw, 'deviceId');
    rejected.push({ index: i, code: refusal.code, message: refusal.message, raw, ...(id ? { id } : {}), ...(deviceId ? { deviceId } : {}) });
  }
  return { kind: 'batch', topic, accepted, rejected };
}
