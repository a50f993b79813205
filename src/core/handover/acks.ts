import type { FloorEvent, HandoverTopic } from '../events.schema.ts';
import { effectiveEvents } from '../oee/normalize.ts';

/** Who read a handover, and when (the first ack of each reader counts). */
export interface HandoverAck {
  author: string;
  ts: number;
}

/** A handover as it stands (corrections applied, voided ones gone) with its acknowledgements. */
export interface HandoverWithAcks {
  id: string;
  ts: number;
  lineId: string;
  stationId: string;
  scope: 'station' | 'line';
  author: string;
  topics: HandoverTopic[];
  text: string;
  acks: HandoverAck[];
}

/**
 * Every handover among `events` with `from <= ts < to`, oldest first, each with who acknowledged
 * it: acks may come after `to` (the next shift reads it), so they are taken from all `events`.
 * A reader's repeated ack counts once (the first); an ack of an unknown handover is ignored.
 */
export function handoverAcks(events: readonly FloorEvent[], from: number, to: number): HandoverWithAcks[] {
  const effective = effectiveEvents(events);
  const out = new Map<string, HandoverWithAcks>();
  for (const e of effective) {
    if (e.type !== 'handover' || e.ts < from || e.ts >= to) continue;
    const { id, ts, lineId, stationId, scope, author, topics, text } = e;
    out.set(id, { id, ts, lineId, stationId, scope, author, topics: [...topics], text, acks: [] });
  }
  for (const e of effective) {
    if (e.type !== 'handover.ack') continue;
    const h = out.get(e.handoverId);
    if (h && !h.acks.some((a) => a.author === e.author)) h.acks.push({ author: e.author, ts: e.ts });
  }
  return [...out.values()];
}
