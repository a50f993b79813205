import type { CorrectablePayload, FloorEvent } from '../events.schema.ts';
import type { EffectiveEvent } from './line-timeline.ts';

/** The one deterministic order of events: ts, then deviceId, then per-device seq, then id. */
export function compareEvents(a: FloorEvent, b: FloorEvent): number {
  return (
    a.ts - b.ts ||
    (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0) ||
    a.seq - b.seq ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

type Correction = Extract<FloorEvent, { type: 'correction' }>;
type Void = Extract<FloorEvent, { type: 'void' }>;

/**
 * Turns raw events, in any arrival order and with repeats, into the effective events in sort order:
 * copies of one event id dropped, voided events dropped, corrected events carrying the latest
 * correction's payload under their own envelope (so a correction never moves an event in time),
 * corrections and voids themselves consumed. A correction may itself be corrected or voided.
 *
 * `asOf`: a correction or void recorded (its `ts`) after it is not known yet and changes nothing,
 * the one rule ADR 0002 gives for everything recorded after `now` (as for `stop.classify`).
 *
 * An event id names exactly one event (the store refuses a different event under a known id), so
 * copies are identical and sorting puts them side by side: no id set is needed on the hot path.
 */
export function effectiveEvents(events: readonly FloorEvent[], asOf = Infinity): EffectiveEvent[] {
  const sorted = events.slice().sort(compareEvents); // TimSort: linear when already in order
  const out: FloorEvent[] = [];
  let hasEdits = false;
  let prevId = '';
  for (const e of sorted) {
    if (e.id === prevId) continue;
    prevId = e.id;
    if (e.type === 'correction' || e.type === 'void') {
      // Sorted by ts: an edit after `asOf` is consumed as unknown, never applied.
      if (e.ts > asOf) continue;
      hasEdits = true;
    }
    out.push(e);
  }
  if (!hasEdits) return out as EffectiveEvent[];
  return applyEdits(out);
}

/**
 * Whether an event is voided, given the voids of each event id: a void counts unless it is itself
 * voided (a void taken back restores what it voided). Depth-guarded against cycles of bad data.
 * The engine's rule; the audit trail asks it too.
 */
export function voidCheck(voidsOf: ReadonlyMap<string, readonly { id: string }[]>): (id: string) => boolean {
  const voided = new Map<string, boolean>();
  const isVoided = (id: string, depth = 0): boolean => {
    const memo = voided.get(id);
    if (memo !== undefined) return memo;
    const result = depth < 64 && (voidsOf.get(id) ?? []).some((v) => !isVoided(v.id, depth + 1));
    voided.set(id, result);
    return result;
  };
  return (id) => isVoided(id);
}

function applyEdits(sorted: FloorEvent[]): EffectiveEvent[] {
  const correctionsOf = new Map<string, Correction[]>();
  const voidsOf = new Map<string, Void[]>();
  for (const e of sorted) {
    if (e.type === 'correction') push(correctionsOf, e.supersedes, e);
    else if (e.type === 'void') push(voidsOf, e.voids, e);
  }
  const isVoided = voidCheck(voidsOf);
  // The latest live correction of an event wins; its own latest correction wins over it, and so on.
  const payloadOf = (id: string, own: CorrectablePayload, depth = 0): CorrectablePayload => {
    const list = correctionsOf.get(id);
    if (list && depth < 64) {
      for (let k = list.length - 1; k >= 0; k--) {
        const c = list[k] as Correction;
        if (!isVoided(c.id)) return payloadOf(c.id, c.replacement, depth + 1);
      }
    }
    return own;
  };
  const out: EffectiveEvent[] = [];
  for (const e of sorted) {
    if (e.type === 'correction' || e.type === 'void' || isVoided(e.id)) continue;
    if (!correctionsOf.has(e.id)) {
      out.push(e);
      continue;
    }
    const { v, id, deviceId, seq, ts, author, lineId, stationId } = e;
    out.push({ v, id, deviceId, seq, ts, author, lineId, stationId, ...payloadOf(e.id, e) } as EffectiveEvent);
  }
  return out;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
