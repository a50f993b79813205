import type { FloorEvent } from '../../core/events.schema.ts';
import { notesOf, type StationNote } from '../../core/station-log.ts';

/**
 * Notes at `stationId` since `since`, newest first, each once: the service's log (written on any
 * tablet there) merged with this tablet's journal (waiting ones too), folded by core/station-log;
 * a note taken back on either side is marked.
 */
export function shiftNotes(fromService: readonly StationNote[], local: readonly FloorEvent[], stationId: string, since: number): StationNote[] {
  const mine = notesOf(local, (e) => e.stationId === stationId, since);
  const byId = new Map<string, StationNote>(fromService.filter((n) => n.stationId === stationId && n.ts >= since).map((n) => [n.id, n]));
  for (const n of mine) {
    const known = byId.get(n.id);
    byId.set(n.id, known ? { ...known, voidedBy: known.voidedBy ?? n.voidedBy } : n);
  }
  // Undo of a service note written on this tablet: the void is in the journal only.
  const voids = new Map(local.flatMap((e) => (e.type === 'void' ? [[e.voids, e.id] as const] : [])));
  return [...byId.values()].map((n) => ({ ...n, voidedBy: n.voidedBy ?? voids.get(n.id) ?? null })).sort((a, b) => b.ts - a.ts);
}
