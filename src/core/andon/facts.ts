import { machineStationOf, type IndexedLine } from '../plant-index.ts';
import type { FoldedLine } from '../station-state/fold.ts';
import type { LineFacts } from './engine.ts';

/**
 * The engine's facts of a line from the station-state fold's reading: the same state, open stop,
 * counts and no-data the tablet, board and OEE snapshot show (one truth, ADR 0008/0009).
 */
export function factsOf(indexed: IndexedLine, folded: FoldedLine): LineFacts {
  const { line, stations } = folded;
  const stop = stations.find((s) => s.stop?.stopId === line.stopId)?.stop ?? null;
  return {
    lineId: indexed.line.id,
    stationId: machineStationOf(indexed.line).id,
    state: line.state,
    since: line.since,
    stop: stop && { stopId: stop.stopId, start: stop.start, stationId: stop.stationId, reasonId: stop.reasonId },
    good: line.good ?? 0,
    reject: line.reject ?? 0,
  };
}
