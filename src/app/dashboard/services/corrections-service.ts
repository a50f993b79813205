import { ulid } from 'ulid';
import { FloorboardError } from '../../../core/errors.ts';
import type { LinePath } from '../../../core/topics.ts';
import type { EventPayload, FloorEvent, HandoverTopic } from '../../../core/events.schema.ts';
import type { SyncEngine } from '../../services/sync-engine.ts';
import { correctionPayloads, leadEvent, type StopCorrection, type StopTarget } from './correction-events.ts';

export type { StopCorrection, StopTarget } from './correction-events.ts';

/** Who records a lead's entries, and where: the lead's session and its outbox's sync engine. */
export interface LeadRecorder {
  engine: Pick<SyncEngine, 'recordAll'> | null;
  /** The signed-in user (the entries' author) and the session's device. */
  session: { userId: string; deviceId: string } | null;
}

/**
 * Records a lead's entries in the lead's outbox (IndexedDB, one per dashboard device) with the
 * lead as author; the sync engine publishes them with the lead's own credentials and settles each
 * on the service's acknowledgement after its commit, as on a tablet. Resolves once they are
 * stored on this device (durable), not once they are sent: offline they wait there.
 */
async function recordAll(r: LeadRecorder, line: LinePath, stationId: string, payloads: readonly EventPayload[], now: number): Promise<FloorEvent[]> {
  const { engine, session } = r;
  if (!engine || !session) throw new FloorboardError('unauthorized', 'not signed in');
  // One transaction: a change and its why are stored together or not at all.
  const records = await engine.recordAll(
    payloads.map((p) => {
      const id = ulid(now);
      return (seq: number) => leadEvent(p, { line, stationId, id, seq, now, deviceId: session.deviceId, author: session.userId });
    }),
    null,
  );
  return records.map((r) => r.event);
}

/**
 * A lead's change to a stop (see `correctionPayloads`): one correction or void; otherwise the
 * lead's entry plus a note with the why. The broker checks the lead may write there; only the
 * service's acknowledgement after its commit confirms it. The lasting audit trail is the service's
 * (GET /api/audit).
 */
export function applyCorrection(r: LeadRecorder, c: StopCorrection, line: LinePath, stop: StopTarget, now: number): Promise<FloorEvent[]> {
  return recordAll(r, line, stop.stationId, correctionPayloads(c, stop, () => ulid(now)), now);
}

/**
 * A lead's handover for the whole line, on the line's corrections topic (the lead's path, checked by
 * the broker and ingest). `stationId` is one of the line's stations: every event names one.
 */
export async function recordLineHandover(r: LeadRecorder, line: LinePath, stationId: string, picked: readonly HandoverTopic[], text: string, now: number): Promise<FloorEvent> {
  const [event] = await recordAll(r, line, stationId, [{ type: 'handover', scope: 'line', topics: [...picked], text: text.trim() }], now);
  return event!;
}
