import { ulid } from 'ulid';
import { eventSchema, type CorrectablePayload, type EventPayload, type FloorEvent } from '../../../core/events.schema.ts';
import { FloorboardError } from '../../../core/errors.ts';
import { topics, type LinePath } from '../../../core/topics.ts';
import { dashboardSession } from '../managers/session.svelte.ts';
import { live } from '../managers/live.svelte.ts';

/** What a lead does to a stop; `why` is required for every change (audit trail). */
export type StopCorrection =
  | { kind: 'reclassify'; stopId: string; reasonId: string; why: string }
  | { kind: 'split'; stopId: string; at: number; reasonId: string; why: string }
  | { kind: 'void'; stopId: string; why: string };

export interface AuditEntry {
  at: number;
  author: string;
  what: string;
  why: string;
  outcome: 'accepted' | 'rejected' | 'pending';
  message?: string;
}

/**
 * Turns a lead's change into events and publishes them with the lead's own credentials.
 * The raw entries stay untouched: a reclassification is a newer `stop.classify` by the lead (the
 * engine books the newest one), a split is a `stop.split`, and both carry the why as a `note` in
 * the same batch; a void is a `void` event on the line's corrections topic, with its reason.
 * The broker checks the lead may write there; the service's acknowledgement is the only success.
 */
export async function applyCorrection(c: StopCorrection, line: LinePath & { stationId: string }, now: number): Promise<AuditEntry> {
  const session = dashboardSession.current;
  if (!session) throw new FloorboardError('unauthorized', 'not signed in');
  const payloads: EventPayload[] =
    c.kind === 'void'
      ? [{ type: 'void', voids: c.stopId, reason: c.why }]
      : [
          c.kind === 'reclassify'
            ? ({ type: 'stop.classify', stopId: c.stopId, reasonId: c.reasonId } satisfies CorrectablePayload)
            : ({ type: 'stop.split', stopId: c.stopId, at: c.at, newStopId: ulid(now), reasonId: c.reasonId } satisfies CorrectablePayload),
          { type: 'note', text: `${c.kind} ${c.stopId}: ${c.why}`.slice(0, 2000) },
        ];
  const seq = dashboardSession.takeSeq(payloads.length);
  const events: FloorEvent[] = payloads.map((p, i) =>
    eventSchema.parse({ v: 1, id: ulid(now), deviceId: session.deviceId, seq: seq + i, ts: now, author: session.user.id, lineId: line.line, stationId: line.stationId, ...p }),
  );
  const topic = c.kind === 'void' ? topics.corrections(line) : topics.events({ ...line, station: line.stationId });
  const what = c.kind === 'void' ? `void ${c.stopId}` : c.kind === 'split' ? `split ${c.stopId} at ${new Date(c.at).toLocaleTimeString()} → ${c.reasonId}` : `reclassify ${c.stopId} → ${c.reasonId}`;
  const ack = await live.publishBatch(topic, events);
  const refused = ack.rejected.find((r) => r.id && events.some((e) => e.id === r.id));
  return { at: now, author: session.user.name, what, why: c.why, outcome: refused ? 'rejected' : 'accepted', ...(refused ? { message: `${refused.code}: ${refused.message}` } : {}) };
}
