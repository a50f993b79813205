import type { FloorEvent } from '../events.schema.ts';
import { contentUlid } from './event-id.ts';
import type { PlantNames } from './plant-names.ts';
import type { ImportSource } from './import-rows.ts';

/**
 * One `note` per line an import touches, so the audit trail says what came from where: "Imported
 * from stops.csv by floorboard import: 12 entries". Its id derives from the imported ids, so the
 * same import twice adds it once. It stands at the earliest time the log covers (`coveredFrom`,
 * e.g. the start of a shift whose count it holds): as a line's first event it also marks where its
 * monitoring starts (ADR 0009), so the shift a paper log covers is not taken for time nobody saw.
 */
export function importAuditNotes(events: readonly FloorEvent[], names: PlantNames, source: ImportSource, fileName: string, coveredFrom: ReadonlyMap<string, number>): FloorEvent[] {
  const byLine = new Map<string, FloorEvent[]>();
  for (const e of events) byLine.set(e.lineId, [...(byLine.get(e.lineId) ?? []), e]);
  return [...byLine].map(([lineId, list]) => {
    const last = Math.max(...list.map((e) => e.ts));
    const ts = Math.min(coveredFrom.get(lineId) ?? Infinity, ...list.map((e) => e.ts));
    const line = names.lineById.get(lineId)!.line;
    const ids = list.map((e) => e.id).sort();
    const text = `Imported from ${fileName} by floorboard import (user ${source.author}): ${list.length} entries covering ${new Date(ts).toISOString()} to ${new Date(last).toISOString()}`;
    return { v: 1, id: contentUlid(ts, `audit|${lineId}|${ids.join(',')}`), deviceId: source.deviceId, seq: 0, ts, author: source.author, lineId, stationId: line.machineStationId ?? line.stations[0]!.id, type: 'note', text: text.slice(0, 2000) } satisfies FloorEvent;
  });
}
