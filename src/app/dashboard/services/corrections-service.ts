import { ulid } from 'ulid';
import { FloorboardError } from '../../../core/errors.ts';
import { topics, type LinePath } from '../../../core/topics.ts';
import { eventSchema, type HandoverTopic } from '../../../core/events.schema.ts';
import { i18n } from '../../managers/i18n.svelte.ts';
import { live } from '../managers/live.svelte.ts';
import { dashboardSession } from '../managers/session.svelte.ts';
import { correctionEvents, describeCorrection, type StopCorrection, type StopTarget } from './correction-events.ts';

export type { StopCorrection, StopTarget } from './correction-events.ts';

export interface AuditEntry {
  at: number;
  author: string;
  what: string;
  why: string;
  outcome: 'accepted' | 'rejected';
  message?: string;
}

/**
 * Publishes a lead's change with the lead's own credentials (see `correctionEvents`). The broker
 * checks the lead may write there; only the service's acknowledgement after its commit counts.
 * The lasting audit trail is the service's (GET /api/audit); this entry is the immediate outcome.
 */
export async function applyCorrection(c: StopCorrection, line: LinePath, stop: StopTarget, now: number): Promise<AuditEntry> {
  const session = dashboardSession.current;
  if (!session) throw new FloorboardError('unauthorized', 'not signed in');
  // One correction or void; otherwise the lead's entry plus a note with the why.
  const count = c.kind === 'void' || (c.kind === 'reclassify' && stop.reasonEvent) ? 1 : 2;
  const { topic, events } = correctionEvents(c, { line, stop, deviceId: session.deviceId, author: session.user.id, seq: dashboardSession.takeSeq(count), now, newId: () => ulid(now) });
  const ack = await live.publishBatch(topic, events);
  const refused = ack.rejected.find((r) => r.id && events.some((e) => e.id === r.id));
  return { at: now, author: session.user.name, what: describeCorrection(c, i18n.time), why: c.why, outcome: refused ? 'rejected' : 'accepted', ...(refused ? { message: `${refused.code}: ${refused.message}` } : {}) };
}

/**
 * A lead's handover for the whole line, on the line's corrections topic (the lead's path, checked by
 * the broker and ingest). `stationId` is one of the line's stations: every event names one.
 * Resolves with the service's refusal message, or null once it is stored.
 */
export async function publishLineHandover(line: LinePath, stationId: string, picked: readonly HandoverTopic[], text: string, now: number): Promise<string | null> {
  const session = dashboardSession.current;
  if (!session) throw new FloorboardError('unauthorized', 'not signed in');
  const event = eventSchema.parse({
    v: 1, id: ulid(now), deviceId: session.deviceId, seq: dashboardSession.takeSeq(1), ts: now, author: session.user.id,
    lineId: line.line, stationId, type: 'handover', scope: 'line', topics: [...picked], text: text.trim(),
  });
  const ack = await live.publishBatch(topics.corrections(line), [event]);
  const refused = ack.rejected.find((r) => r.id === event.id);
  return refused ? `${refused.code}: ${refused.message}` : null;
}
