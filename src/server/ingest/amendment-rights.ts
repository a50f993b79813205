import type { Calendar, CorrectablePayload, FloorEvent } from '../../core/index.ts';
import { isNoOpCorrection } from '../../core/oee-stops/no-op.ts';
import { CALL_TAKE_BACK_MS } from '../../core/andon/kinds.ts';
import { shiftInstances } from '../../core/oee/calendar.ts';
import type { EventOrigin, Storage } from '../storage/storage.ts';
import type { Refusal } from './event-checks.ts';
import type { IngestTopic } from './parse-message.ts';

const DAY_MS = 86_400_000;

/** One message's accepted events, as the ingest handler holds them. */
export interface AmendmentBatch {
  kind: IngestTopic['kind'];
  receivedAt: number;
  accepted: readonly { event: FloorEvent }[];
}

const targetOf = (e: FloorEvent) => (e.type === 'correction' ? e.supersedes : e.type === 'void' ? e.voids : e.type === 'handover.ack' ? e.handoverId : undefined);

/**
 * Start of the shift running at `now`; between shifts, the end of the last one (so an entry made
 * after a shift ended can still be undone until the next one starts), at most a day back.
 */
export function currentShiftStart(calendar: Calendar, now: number): number {
  let start = now - DAY_MS;
  for (const s of shiftInstances(calendar, now - DAY_MS, now + 1)) {
    if (s.start <= now && now < s.end) return s.start;
    if (s.end <= now) start = Math.max(start, s.end);
  }
  return start;
}

/** Why this void or correction may not change `target`, or null when it may. */
function refusalOf(event: FloorEvent, kind: IngestTopic['kind'], target: EventOrigin, shiftStart: () => number): Refusal | null {
  if (event.type === 'handover.ack') {
    // Only a handover of this line can be read here; the ack's own station is checked by canPublish.
    if (target.type !== 'handover') return { code: 'not-allowed', message: `event "${target.id}" is a "${target.type}", not a handover to acknowledge` };
    if (target.lineId !== event.lineId) return { code: 'not-allowed', message: `handover "${target.id}" is for line "${target.lineId}", not line "${event.lineId}"` };
    return null;
  }
  if (kind === 'corrections') {
    // canPublish already holds the author to a lead of this line (or an admin): the target must be on it too.
    if (target.lineId !== event.lineId)
      return { code: 'not-allowed', message: `event "${target.id}" is on line "${target.lineId}", not on line "${event.lineId}" of this corrections topic` };
    return null;
  }
  // A void on a station's events topic is the tablet's undo: the author's own entry, at this
  // station, in this shift. Anything else is a lead's correction (event-checks refuses corrections here).
  if (target.author !== event.author)
    return { code: 'not-allowed', message: `"${event.author}" may only undo their own entries: event "${target.id}" is by "${target.author}" (a lead voids it, on the line's corrections topic)` };
  // The broker lets a connection carry a colleague's entries at a shared station (publisher-checks.ts),
  // so the author alone does not prove who undoes: the undo must also come from the tablet the entry
  // was made on (the broker holds deviceId to the publishing client), which only its author's session lists it on.
  if (target.deviceId !== event.deviceId)
    return { code: 'not-allowed', message: `event "${target.id}" was entered on device "${target.deviceId}": it is undone on that tablet, not on "${event.deviceId}" (a lead voids it, on the line's corrections topic)` };
  if (target.stationId !== event.stationId)
    return { code: 'not-allowed', message: `event "${target.id}" was entered at station "${target.stationId}", not at station "${event.stationId}"` };
  const start = shiftStart();
  if (target.correctedTs < start)
    return { code: 'not-allowed', message: `event "${target.id}" is from before the current shift (started ${new Date(start).toISOString()}): only a lead may void it, on the line's corrections topic` };
  // A call button is taken back only shortly after it was pressed (what the tablet offers); later,
  // whoever answers it resolves it. Timed on the tablet's own clock: the undo comes from the tablet
  // the call was made on (checked above), so a call and its undo made offline count as made.
  if (target.type === 'andon.raise' && event.ts - target.ts > CALL_TAKE_BACK_MS)
    return {
      code: 'not-allowed',
      message: `call "${target.id}" was raised ${Math.floor((event.ts - target.ts) / 60_000)} min before this undo: a call is taken back only within ${CALL_TAKE_BACK_MS / 60_000} min of raising it; after that it is resolved by whoever answers it`,
    };
  return null;
}

/**
 * Checks every void and correction of a commit group against the event it amends (stored, or
 * earlier in the group): it must exist; a lead's correction or void (corrections topic) must be
 * on its topic's line; an undo (void on a station's events topic) must be its author's own entry,
 * at the same station, from the current shift (a call button's raise: within CALL_TAKE_BACK_MS). Returns the refusal per amending event object.
 */
export async function checkAmendments(
  batches: readonly (AmendmentBatch | null)[],
  findOrigins: Storage['findEventOrigins'],
  calendar: Calendar,
  currentOf?: (targets: readonly EventOrigin[]) => Promise<Map<string, CorrectablePayload>>,
): Promise<Map<FloorEvent, Refusal>> {
  const refusals = new Map<FloorEvent, Refusal>();
  const refs: string[] = [];
  for (const b of batches) for (const { event } of b?.accepted ?? []) {
    const ref = targetOf(event);
    if (ref !== undefined) refs.push(ref);
  }
  if (refs.length === 0) return refusals;
  const origins = new Map<string, EventOrigin>();
  // Earlier in the group: not stored yet, so its device time stands in for the corrected time.
  for (const b of batches) for (const { event } of b?.accepted ?? []) {
    if (!origins.has(event.id)) origins.set(event.id, { id: event.id, type: event.type, author: event.author, deviceId: event.deviceId, lineId: event.lineId, stationId: event.stationId, ts: event.ts, correctedTs: event.ts });
  }
  // The stored copy wins over a resend in this group (the first stored copy is the event).
  const stored = new Map<string, EventOrigin>();
  for (const o of await findOrigins(refs)) {
    origins.set(o.id, o);
    stored.set(o.id, o);
  }
  const corrections: { event: Extract<FloorEvent, { type: 'correction' }>; target: EventOrigin }[] = [];
  for (const b of batches) {
    if (!b) continue;
    let start: number | undefined;
    const shiftStart = () => (start ??= currentShiftStart(calendar, b.receivedAt));
    for (const { event } of b.accepted) {
      const ref = targetOf(event);
      if (ref === undefined) continue;
      const target = origins.get(ref);
      const refusal = target ? refusalOf(event, b.kind, target, shiftStart) : { code: 'superseded-unknown' as const, message: `event "${ref}" is not known` };
      if (refusal) refusals.set(event, refusal);
      else if (event.type === 'correction' && stored.has(ref)) corrections.push({ event, target: stored.get(ref)! });
    }
  }
  // A correction that repeats what its target says now changes nothing: refused, so the audit
  // trail lists only real changes ("Part jam → Part jam" is not one).
  if (currentOf && corrections.length) {
    const current = await currentOf(corrections.map((c) => c.target));
    for (const { event, target } of corrections) {
      const now = current.get(target.id);
      if (now && isNoOpCorrection(now, event.replacement))
        refusals.set(event, { code: 'not-allowed', message: `correction of "${target.id}" changes nothing: it already says that` });
    }
  }
  return refusals;
}
