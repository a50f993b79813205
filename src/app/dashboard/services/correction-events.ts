import { eventSchema, type CorrectablePayload, type EventPayload, type FloorEvent } from '../../../core/events.schema.ts';
import { topics, type LinePath } from '../../../core/topics.ts';

/** What a lead does to a stop; `why` is required for every change (audit trail). */
export type StopCorrection =
  | { kind: 'reclassify'; stopId: string; reasonId: string; why: string }
  | { kind: 'split'; stopId: string; at: number; reasonId: string; why: string }
  | { kind: 'void'; stopId: string; why: string };

export interface CorrectionContext {
  line: LinePath & { stationId: string };
  deviceId: string;
  author: string;
  /** First sequence number to use (gap-free per device). */
  seq: number;
  now: number;
  newId: () => string;
}

/**
 * The events of a lead's change and the topic they go to. The raw entries stay untouched: a
 * reclassification is a newer `stop.classify` by the lead (the engine books the newest one), a
 * split is a `stop.split`, and both carry the why as a `note` in the same batch; a void is a
 * `void` event on the line's corrections topic, with its reason. Every event is schema-checked.
 */
export function correctionEvents(c: StopCorrection, ctx: CorrectionContext): { topic: string; events: FloorEvent[] } {
  const payloads: EventPayload[] =
    c.kind === 'void'
      ? [{ type: 'void', voids: c.stopId, reason: c.why }]
      : [
          c.kind === 'reclassify'
            ? ({ type: 'stop.classify', stopId: c.stopId, reasonId: c.reasonId } satisfies CorrectablePayload)
            : ({ type: 'stop.split', stopId: c.stopId, at: c.at, newStopId: ctx.newId(), reasonId: c.reasonId } satisfies CorrectablePayload),
          { type: 'note', text: `${c.kind} ${c.stopId}: ${c.why}`.slice(0, 2000) },
        ];
  const events = payloads.map((p, i) =>
    eventSchema.parse({ v: 1, id: ctx.newId(), deviceId: ctx.deviceId, seq: ctx.seq + i, ts: ctx.now, author: ctx.author, lineId: ctx.line.line, stationId: ctx.line.stationId, ...p }),
  );
  const topic = c.kind === 'void' ? topics.corrections(ctx.line) : topics.events({ ...ctx.line, station: ctx.line.stationId });
  return { topic, events };
}

/** A one-line description of a change for the audit list. */
export function describeCorrection(c: StopCorrection, time: (ms: number) => string): string {
  if (c.kind === 'void') return `void ${c.stopId}`;
  if (c.kind === 'split') return `split ${c.stopId} at ${time(c.at)} → ${c.reasonId}`;
  return `reclassify ${c.stopId} → ${c.reasonId}`;
}
