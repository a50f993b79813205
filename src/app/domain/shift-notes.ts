import type { FloorEvent } from '../../core/events.schema.ts';

export interface ShiftNote {
  id: string;
  ts: number;
  author: string;
  text: string;
  isVoided: boolean;
}

/**
 * Notes at `stationId` since `since`, newest first, each once (the same note may come from this
 * tablet's journal and from the service), with those taken back marked.
 */
export function shiftNotes(events: readonly FloorEvent[], stationId: string, since: number): ShiftNote[] {
  const voided = new Set<string>();
  for (const e of events) if (e.type === 'void') voided.add(e.voids);
  const byId = new Map<string, ShiftNote>();
  for (const e of events)
    if (e.type === 'note' && e.stationId === stationId && e.ts >= since && !byId.has(e.id)) byId.set(e.id, { id: e.id, ts: e.ts, author: e.author, text: e.text, isVoided: false });
  return [...byId.values()].map((n) => ({ ...n, isVoided: voided.has(n.id) })).sort((a, b) => b.ts - a.ts);
}
