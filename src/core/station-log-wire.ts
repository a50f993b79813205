import type { StationLog } from './station-log.ts';
import type { StationLogWire } from './station-log.schema.ts';

/** A station log as the API and the retained topic send it: authors named for display. */
export function stationLogWire(log: StationLog, name: (userId: string) => string, at: number): StationLogWire {
  return {
    ...log,
    at,
    notes: log.notes.map((n) => ({ ...n, authorName: name(n.author) })),
    handovers: log.handovers.map((h) => ({ ...h, authorName: name(h.author), acks: h.acks.map((a) => ({ ...a, authorName: name(a.author) })) })),
  };
}
