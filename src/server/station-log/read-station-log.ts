import { HANDOVER_OPEN_MS } from '../../core/handovers.ts';
import { stationLog } from '../../core/station-log.ts';
import type { StationLogWire } from '../../core/station-log.schema.ts';
import { stationLogWire } from '../../core/station-log-wire.ts';
import type { Storage } from '../storage/storage.ts';
import { eventsBetween } from '../history/bucket-history.ts';

/** Clock skew a tablet's entry may have and still count as written by now. */
export const SKEW_MS = 5 * 60_000;

export interface StationLogSource {
  storage: Storage;
  users: () => readonly { id: string; name: string }[];
}

/**
 * A station's log as the API answers it and the retained topic carries it: the last
 * `HANDOVER_OPEN_MS` (which covers the current shift) folded by core/station-log.ts.
 */
export async function readStationLog(src: StationLogSource, station: { id: string; lineId: string }, now: number): Promise<StationLogWire> {
  return (await readStationLogs(src, station.lineId, [station.id], now)).get(station.id)!;
}

/** The logs of several stations of one line, from one read of the line's events (a line handover touches them all). */
export async function readStationLogs(src: StationLogSource, lineId: string, stationIds: readonly string[], now: number): Promise<Map<string, StationLogWire>> {
  const since = now - HANDOVER_OPEN_MS;
  const events = await eventsBetween(src.storage, [lineId], since, now + SKEW_MS);
  const names = new Map(src.users().map((u) => [u.id, u.name]));
  const name = (id: string) => names.get(id) ?? id;
  return new Map(stationIds.map((id) => [id, stationLogWire(stationLog(events, { id, lineId }, since), name, now)]));
}
