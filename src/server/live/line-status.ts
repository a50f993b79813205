import type { LineStatus } from '../../core/live.schema.ts';
import type { FloorEvent } from '../../core/index.ts';
import type { IndexedLine } from '../../core/plant-index.ts';

/** Events in the order the engine uses: time, device, sequence, id. */
export function byTime(a: FloorEvent, b: FloorEvent): number {
  return a.ts - b.ts || a.deviceId.localeCompare(b.deviceId) || a.seq - b.seq || a.id.localeCompare(b.id);
}

/**
 * Folds a line's events (sorted by time, `ts` already corrected) into its present status.
 * Corrections and voids do not change the present state: they rewrite history, which the OEE
 * figures show.
 */
export function lineStatusOf(line: IndexedLine, events: readonly FloorEvent[], shiftId: string | null, now: number): LineStatus {
  const s: LineStatus = {
    v: 1,
    siteId: line.path.site,
    areaId: line.path.area,
    lineId: line.line.id,
    state: 'unknown',
    since: null,
    stopId: null,
    reasonId: null,
    isAwaitingReason: false,
    productId: null,
    shiftId,
    operatorId: null,
    updatedAt: now,
  };
  const enter = (state: LineStatus['state'], ts: number) => {
    if (s.state !== state) {
      s.state = state;
      s.since = ts;
    }
  };
  for (const e of events) {
    if (e.type !== 'machine.state' && e.type !== 'machine.counter') s.operatorId = e.author;
    switch (e.type) {
      case 'machine.state':
        enter(e.state, e.ts);
        if (e.state === 'running') {
          s.stopId = null;
          s.reasonId = null;
        } else if (!s.stopId) s.stopId = e.id;
        break;
      case 'stop.start':
        if (s.state === 'running' || s.state === 'unknown') enter('stopped', e.ts);
        s.stopId = e.stopId;
        s.reasonId = e.reasonId ?? s.reasonId;
        break;
      case 'stop.end':
        if (s.stopId === e.stopId) {
          enter('running', e.ts);
          s.stopId = null;
          s.reasonId = null;
        }
        break;
      case 'stop.classify':
        if (s.stopId === e.stopId) s.reasonId = e.reasonId;
        break;
      case 'changeover.start':
        enter('setup', e.ts);
        s.productId = e.toProductId;
        break;
      case 'changeover.end':
        enter('running', e.ts);
        s.productId = e.productId;
        break;
      case 'count':
        s.productId = e.productId;
        break;
      case 'machine.counter':
        if (e.productId) s.productId = e.productId;
        break;
      default:
        break;
    }
  }
  const isStopped = s.state !== 'running' && s.state !== 'unknown' && s.state !== 'setup';
  s.isAwaitingReason = isStopped && s.stopId !== null && s.reasonId === null && s.since !== null && now - s.since >= line.line.smallStopThresholdSec * 1000;
  return s;
}

/** True when two statuses differ in anything but `updatedAt`. */
export function hasStatusChanged(a: LineStatus | undefined, b: LineStatus): boolean {
  if (!a) return true;
  return JSON.stringify({ ...a, updatedAt: 0 }) !== JSON.stringify({ ...b, updatedAt: 0 });
}
