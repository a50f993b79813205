import type { FloorEvent, HandoverTopic } from './events.schema.ts';
import { effectiveEvents } from './oee/normalize.ts';

/** How long an unacknowledged handover is still shown to the incoming operator. */
export const HANDOVER_OPEN_MS = 24 * 3_600_000;

/** Someone at a station read a handover. */
export interface HandoverAck {
  /** The handover.ack event's id. */
  id: string;
  author: string;
  stationId: string;
  ts: number;
}

/** One shift handover with who acknowledged it, where and when. */
export interface Handover {
  id: string;
  scope: 'station' | 'line';
  lineId: string;
  /** The station it was written at (a line handover names the line's station it went through). */
  stationId: string;
  author: string;
  ts: number;
  topics: HandoverTopic[];
  text: string;
  /** First ack per station, oldest first; an ack repeated at the same station counts once. */
  acks: HandoverAck[];
}

/**
 * The handovers among `events` (voided ones left out, corrected ones as corrected) with their
 * acknowledgements, oldest first. One truth for the tablet's sign-in, the lead's view and the
 * shift report. Acks of handovers not among the events are ignored.
 */
export function handoverLog(events: readonly FloorEvent[]): Handover[] {
  const byId = new Map<string, Handover>();
  for (const e of effectiveEvents(events)) {
    if (e.type === 'handover') {
      byId.set(e.id, { id: e.id, scope: e.scope, lineId: e.lineId, stationId: e.stationId, author: e.author, ts: e.ts, topics: [...e.topics], text: e.text, acks: [] });
    } else if (e.type === 'handover.ack') {
      const h = byId.get(e.handoverId);
      if (h && !h.acks.some((a) => a.stationId === e.stationId)) h.acks.push({ id: e.id, author: e.author, stationId: e.stationId, ts: e.ts });
    }
  }
  return [...byId.values()];
}

/** A handover is for a station when written there, or written for the station's whole line. */
export const isForStation = (h: Handover, station: { id: string; lineId: string }): boolean =>
  h.scope === 'line' ? h.lineId === station.lineId : h.stationId === station.id;

/**
 * What the incoming operator at `station` must still read at `now`: handovers for the station (or
 * its line) from the last `HANDOVER_OPEN_MS`, not yet acknowledged at this station, newest first.
 */
export function openHandovers(log: readonly Handover[], station: { id: string; lineId: string }, now: number): Handover[] {
  return log
    .filter((h) => isForStation(h, station) && h.ts > now - HANDOVER_OPEN_MS && h.ts <= now && !h.acks.some((a) => a.stationId === station.id))
    .sort((a, b) => b.ts - a.ts);
}
