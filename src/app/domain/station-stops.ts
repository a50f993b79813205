import type { LineStatus } from '../../core/live.schema.ts';
import type { StopView } from './station-view.ts';

/** One stop of the service's "needs a reason" answer, as far as the tablet needs it. */
export interface LineStop {
  id: string;
  start: number;
  end: number;
  isOpen: boolean;
  reasonId: string | null;
  /** The station whose machine (gateway) or operator opened the stop. */
  stationId: string;
}

/** What the tablet keeps of one answer: its stations' stops, and whose each of the line's stops is. */
export interface StationStops {
  stops: StopView[];
  stationOf: ReadonlyMap<string, string>;
}

/**
 * The line's stops that wait for a reason, cut to the stations this tablet is enrolled to: a stop
 * belongs to the station of the machine (gateway) or operator that opened it. The whole line's
 * stops are remembered by id, to tell whose the line's live stop is.
 */
export function stopsOfStations(lineStops: readonly LineStop[], stationIds: ReadonlySet<string>): StationStops {
  return {
    stops: lineStops.filter((s) => stationIds.has(s.stationId)).map((s) => ({ stopId: s.id, start: s.start, end: s.isOpen ? null : s.end, reasonId: s.reasonId })),
    stationOf: new Map(lineStops.map((s) => [s.id, s.stationId])),
  };
}

/**
 * The stop the line status says awaits a reason, when it is one of this tablet's stations'. The
 * status is line-wide and does not say whose the stop is: only the stops list does (`stationOf`),
 * so a stop not in it yet is not shown (`isKnown` false: fetch the list again).
 */
export function liveStopOfStations(status: LineStatus | null, stationOf: ReadonlyMap<string, string>, stationIds: ReadonlySet<string>): { stop: StopView | null; isKnown: boolean } {
  if (!status?.isAwaitingReason || !status.stopId || status.since === null) return { stop: null, isKnown: true };
  const stationId = stationOf.get(status.stopId);
  if (stationId === undefined) return { stop: null, isKnown: false };
  return { stop: stationIds.has(stationId) ? { stopId: status.stopId, start: status.since, end: null, reasonId: null } : null, isKnown: true };
}
