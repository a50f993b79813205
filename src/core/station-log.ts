import type { FloorEvent } from './events.schema.ts';
import { handoverLog, isForStation, type Handover } from './handovers.ts';

/** A note written at a station; one taken back stays listed, marked, so the undo is visible. */
export interface StationNote {
  id: string;
  ts: number;
  lineId: string;
  stationId: string;
  author: string;
  text: string;
  /** The id of the void that took it back, or null. */
  voidedBy: string | null;
}

/** A station's shift log: its notes and the handovers for it (its own and its line's) with acks. */
export interface StationLog {
  stationId: string;
  lineId: string;
  since: number;
  /** Newest first. */
  notes: StationNote[];
  /** Newest first; voided handovers left out, acks from every station of the line kept. */
  handovers: Handover[];
}

/**
 * The notes among `events` at stations `inScope` accepts, from `since`, newest first, each once
 * (a tablet merges its own journal with the service's copy of the same events).
 */
export function notesOf(events: readonly FloorEvent[], inScope: (e: { lineId: string; stationId: string }) => boolean, since: number): StationNote[] {
  const voidedBy = new Map<string, string>();
  for (const e of events) if (e.type === 'void') voidedBy.set(e.voids, e.id);
  const byId = new Map<string, StationNote>();
  for (const e of events) {
    if (e.type !== 'note' || e.ts < since || byId.has(e.id) || !inScope(e)) continue;
    byId.set(e.id, { id: e.id, ts: e.ts, lineId: e.lineId, stationId: e.stationId, author: e.author, text: e.text, voidedBy: null });
  }
  return [...byId.values()].map((n) => ({ ...n, voidedBy: voidedBy.get(n.id) ?? null })).sort((a, b) => b.ts - a.ts);
}

/**
 * The one fold behind every view of a station's log (tablet, lead view, shift report, API, the
 * retained MQTT topic): notes written at the station and handovers for it from `since`, with
 * acks, voids and corrections applied. Acks may come after `since`'s window ends, so callers
 * pass events reaching to now.
 */
export function stationLog(events: readonly FloorEvent[], station: { id: string; lineId: string }, since: number): StationLog {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  return {
    stationId: station.id,
    lineId: station.lineId,
    since,
    notes: notesOf(unique, (e) => e.stationId === station.id, since),
    handovers: handoverLog(unique)
      .filter((h) => h.ts >= since && isForStation(h, station))
      .sort((a, b) => b.ts - a.ts),
  };
}
