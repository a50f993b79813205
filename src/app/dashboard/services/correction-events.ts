import { eventSchema, type CorrectablePayload, type EventPayload, type FloorEvent } from '../../../core/events.schema.ts';
import { topics, type LinePath } from '../../../core/topics.ts';
import { isNoOpCorrection } from '../../../core/oee-stops/no-op.ts';
import type { StopView } from '../../../core/contracts/history.ts';

/** What a lead does to a stop; `why` is required for every change (audit trail). */
export type StopCorrection =
  | { kind: 'reclassify'; stopId: string; reasonId: string; why: string }
  | { kind: 'split'; stopId: string; at: number; reasonId: string; why: string }
  | { kind: 'void'; stopId: string; why: string };

/** What the change needs to know of the stop, as the history API lists it. */
export type StopTarget = Pick<StopView, 'id' | 'stationId' | 'originEventId' | 'reasonEvent'>;

export interface CorrectionContext {
  line: LinePath;
  stop: StopTarget;
  deviceId: string;
  author: string;
  /** First sequence number to use (gap-free per device). */
  seq: number;
  now: number;
  newId: () => string;
}

/** True when a reclassification would give the stop the reason it has now (the service refuses it too). */
export function isNoOpChange(c: StopCorrection, stop: StopTarget): boolean {
  if (c.kind !== 'reclassify' || !stop.reasonEvent) return false;
  return isNoOpCorrection(stop.reasonEvent.payload, { ...stop.reasonEvent.payload, reasonId: c.reasonId } as CorrectablePayload);
}

/** The payloads of a change and whether they go to the line's corrections topic. */
function payloadsOf(c: StopCorrection, stop: StopTarget, newId: () => string): { payloads: EventPayload[]; isCorrection: boolean } {
  if (c.kind === 'void') return { payloads: [{ type: 'void', voids: stop.originEventId, reason: c.why }], isCorrection: true };
  const reasonEvent = stop.reasonEvent;
  if (c.kind === 'reclassify' && reasonEvent) {
    // A real correction: the event that sets the reason now is superseded by a copy with the new
    // reason; that raw event stays stored, and the correction carries who, when and why.
    const replacement = { ...reasonEvent.payload, reasonId: c.reasonId } as CorrectablePayload;
    return { payloads: [{ type: 'correction', supersedes: reasonEvent.id, reason: c.why, replacement }], isCorrection: true };
  }
  // Nothing to supersede yet (a machine stop nobody classified) or a split: the lead's own entry on
  // the stop's station, with the why as a note in the same batch. (Ingest takes only corrections and
  // voids on the corrections topic.)
  const entry: CorrectablePayload =
    c.kind === 'split'
      ? { type: 'stop.split', stopId: stop.id, at: c.at, newStopId: newId(), reasonId: c.reasonId }
      : { type: 'stop.classify', stopId: stop.id, reasonId: c.reasonId };
  return { payloads: [entry, { type: 'note', text: `${c.kind} ${stop.id}: ${c.why}`.slice(0, 2000) }], isCorrection: false };
}

/**
 * The payloads of a lead's change. The raw entries stay untouched: a reclassification is a
 * `correction` superseding the stop's reason event (or, when the stop has none, a `stop.classify`);
 * a void is a `void` of the event that opened the stop; a split is a `stop.split`.
 */
export function correctionPayloads(c: StopCorrection, stop: StopTarget, newId: () => string): EventPayload[] {
  return payloadsOf(c, stop, newId).payloads;
}

/** The topic a lead's entry goes to: ingest takes corrections, voids and line handovers only on the line's corrections topic. */
export function laneOf(e: Pick<FloorEvent, 'type'> & { scope?: unknown }): 'corrections' | 'events' {
  return e.type === 'correction' || e.type === 'void' || (e.type === 'handover' && e.scope === 'line') ? 'corrections' : 'events';
}

/** A lead's outbox batches by station and topic: `<line>/<station>/<lane>` (see `leadTopicFor`). */
export const leadRouteOf = (e: FloorEvent): string => `${e.lineId}/${e.stationId}/${laneOf(e)}`;

/** The topic of a lead's batch key, or null while the line's area is not known (the plant not loaded). */
export function leadTopicFor(key: string, site: string, areaOf: (lineId: string) => string | null): string | null {
  const [line, station, lane] = key.split('/');
  const area = line ? areaOf(line) : null;
  if (!line || !station || !area) return null;
  return lane === 'corrections' ? topics.corrections({ site, area, line }) : topics.events({ site, area, line, station });
}

/** One entry of a lead, schema-checked: the envelope (who, which device, when, where) around a payload. */
export function leadEvent(p: EventPayload, ctx: Omit<CorrectionContext, 'stop' | 'newId'> & { id: string; stationId: string }): FloorEvent {
  return eventSchema.parse({ v: 1, id: ctx.id, deviceId: ctx.deviceId, seq: ctx.seq, ts: ctx.now, author: ctx.author, lineId: ctx.line.line, stationId: ctx.stationId, ...p }) as FloorEvent;
}

/** The events of a lead's change (from `ctx.seq` on) and the topic they go to. Every event is schema-checked. */
export function correctionEvents(c: StopCorrection, ctx: CorrectionContext): { topic: string; events: FloorEvent[] } {
  const { payloads, isCorrection } = payloadsOf(c, ctx.stop, ctx.newId);
  const events = payloads.map((p, i) => leadEvent(p, { ...ctx, id: ctx.newId(), seq: ctx.seq + i, stationId: ctx.stop.stationId }));
  const topic = isCorrection ? topics.corrections(ctx.line) : topics.events({ ...ctx.line, station: ctx.stop.stationId });
  return { topic, events };
}

/** A one-line description of a change, for the lead's immediate feedback. */
export function describeCorrection(c: StopCorrection, time: (ms: number) => string): string {
  if (c.kind === 'void') return `void ${c.stopId}`;
  if (c.kind === 'split') return `split ${c.stopId} at ${time(c.at)} → ${c.reasonId}`;
  return `reclassify ${c.stopId} → ${c.reasonId}`;
}
