import type { CorrectablePayload, FloorEvent } from '../events.schema.ts';
import { compareEvents } from '../oee/normalize.ts';

/** One change to recorded history: a correction (before -> after) or a void (before -> nothing). */
export interface AuditEntry {
  /** The correction's or void's own event id. */
  id: string;
  kind: 'correction' | 'void';
  lineId: string;
  stationId: string;
  author: string;
  /** When it was made (the caller's clock: the service passes corrected time). */
  ts: number;
  /** The event it supersedes or voids; that raw event stays stored. */
  target: string;
  /** What the target said, when it is among the events given; null otherwise. */
  before: CorrectablePayload | null;
  /** The replacement; null for a void. */
  after: CorrectablePayload | null;
  reason: string;
  /** True when a later void cancelled this change. */
  isVoided: boolean;
}

/** The payload of an event without its envelope; a correction's replacement for a correction. */
function payloadOf(e: FloorEvent): CorrectablePayload | null {
  if (e.type === 'correction') return e.replacement;
  if (e.type === 'void') return null;
  const { v: _v, id: _i, deviceId: _d, seq: _s, ts: _t, author: _a, lineId: _l, stationId: _st, ...payload } = e;
  return payload as CorrectablePayload;
}

/**
 * The audit trail of the events given: every correction and void with `from <= ts < to`, oldest
 * first, each with who, when, what it changed (before and after) and why. Copies of an event id
 * count once. `events` should reach back far enough to hold the targets (their `before`).
 */
export function auditTrail(events: readonly FloorEvent[], from: number, to: number): AuditEntry[] {
  const byId = new Map<string, FloorEvent>();
  for (const e of events) byId.set(e.id, e);
  const voided = new Set<string>();
  for (const e of byId.values()) if (e.type === 'void') voided.add(e.voids);
  const out: AuditEntry[] = [];
  for (const e of [...byId.values()].sort(compareEvents)) {
    if ((e.type !== 'correction' && e.type !== 'void') || e.ts < from || e.ts >= to) continue;
    const target = e.type === 'correction' ? e.supersedes : e.voids;
    const original = byId.get(target);
    out.push({
      id: e.id,
      kind: e.type,
      lineId: e.lineId,
      stationId: e.stationId,
      author: e.author,
      ts: e.ts,
      target,
      before: original ? payloadOf(original) : null,
      after: e.type === 'correction' ? e.replacement : null,
      reason: e.reason,
      isVoided: voided.has(e.id),
    });
  }
  return out;
}
