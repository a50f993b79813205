import type { FloorEvent } from '../events.schema.ts';
import { contentUlid } from '../import/event-id.ts';
import type { PlantIndex } from '../plant-index.ts';

/** The author of events the service writes itself (machine fault reasons, andon raises): no person, never "the operator". */
export const SERVICE_AUTHOR = 'floorboard';
/** The device the service writes machine fault reasons as. */
export const FAULT_REASON_DEVICE = 'floorboard-faults';

/**
 * The classification a machine stop gets from its fault code: a `machine.state` that stops the
 * machine with a `code` its station connector's `faultReasons` maps to a reason of the plant's tree
 * is classified with that reason, as a `stop.classify` stored beside it in the same commit (so every
 * screen, report, export and the CLI read one truth, and changing the mapping later never rewrites
 * the past). Its id derives from the state event's, so a redelivered state adds nothing; its time
 * is the stop's start, so any classification by a person, always later, wins.
 */
export function faultClassification(e: FloorEvent, index: PlantIndex): FloorEvent | null {
  if (e.type !== 'machine.state' || e.state === 'running' || e.code === undefined) return null;
  const line = index.lines.get(e.lineId)?.line;
  const reasonId = line?.stations.find((s) => s.id === e.stationId)?.connector?.faultReasons?.[e.code];
  if (reasonId === undefined || !index.reasons.has(reasonId)) return null;
  return {
    v: e.v,
    id: contentUlid(e.ts, `fault-reason|${e.id}`),
    deviceId: FAULT_REASON_DEVICE,
    seq: 0,
    ts: e.ts,
    author: SERVICE_AUTHOR,
    lineId: e.lineId,
    stationId: e.stationId,
    type: 'stop.classify',
    stopId: e.id,
    reasonId,
  };
}
