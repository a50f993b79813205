import type { CorrectablePayload, FloorEvent } from '../events.schema.ts';
import { compareEvents, voidCheck } from '../oee/normalize.ts';

/** Every kind of change the audit trail knows, for a reader that wants them all (the lead's audit list). */
export const auditKinds = ['correction', 'void', 'classify', 'split'] as const;
export type AuditKind = (typeof auditKinds)[number];

/**
 * One change to recorded history: a correction (before -> after), a void (before -> nothing), a
 * classification of a stop that was recorded without its reason (nothing or the last reason -> after),
 * or a split of a stop (its reason so far -> the split, with the later part's reason).
 */
export interface AuditEntry {
  /** The correction's, void's or classification's own event id. */
  id: string;
  kind: AuditKind;
  lineId: string;
  stationId: string;
  author: string;
  /** When it was made (the caller's clock: the service passes corrected time). */
  ts: number;
  /** The event it supersedes or voids; that raw event stays stored. */
  target: string;
  /** What the target said, when it is among the events given; null otherwise. */
  before: CorrectablePayload | null;
  /** When the target was entered, when it is among the events given (what a void took back, and when). */
  targetTs: number | null;
  /** The replacement; null for a void. */
  after: CorrectablePayload | null;
  /** Why (a classification has no why: empty). */
  reason: string;
  /** True when a later void cancelled this change. */
  isVoided: boolean;
  /** The stop it is about, when it is about one. */
  stopId: string | null;
}

/** The payload of an event without its envelope; a correction's replacement for a correction. */
export function payloadOf(e: FloorEvent): CorrectablePayload | null {
  if (e.type === 'correction') return e.replacement;
  if (e.type === 'void') return null;
  const { v: _v, id: _i, deviceId: _d, seq: _s, ts: _t, author: _a, lineId: _l, stationId: _st, ...payload } = e;
  return payload as CorrectablePayload;
}

const stopIdOf = (p: CorrectablePayload | null): string | null => (p && 'stopId' in p ? p.stopId : null);

/**
 * The audit trail of the events given: every correction, void and stop classification of the
 * `kinds` asked for with `from <= ts < to`, oldest first, each with who, when, what it changed
 * (before and after), why and the stop it is about. Copies of an event id count once. `events`
 * should reach back far enough to hold the targets (their `before`); classifications not asked for
 * are still read, as the `before` of later ones.
 */
export function auditTrail(events: readonly FloorEvent[], from: number, to: number, kinds: readonly AuditKind[]): AuditEntry[] {
  const wanted = new Set<AuditKind>(kinds);
  const byId = new Map<string, FloorEvent>();
  for (const e of events) byId.set(e.id, e);
  const voidsOf = new Map<string, FloorEvent[]>();
  for (const e of byId.values()) if (e.type === 'void') voidsOf.set(e.voids, [...(voidsOf.get(e.voids) ?? []), e]);
  // As the engine judges it: a void taken back by another void voids nothing.
  const isVoided = voidCheck(voidsOf);
  const out: AuditEntry[] = [];
  /** The reason each stop has so far, in event order: the "before" of a classification. */
  const reasons = new Map<string, CorrectablePayload>();
  for (const e of [...byId.values()].sort(compareEvents)) {
    if (e.type === 'stop.start' && e.reasonId) reasons.set(e.stopId, payloadOf(e)!);
    const isIn = e.ts >= from && e.ts < to;
    if (e.type === 'stop.classify') {
      const after = payloadOf(e)!;
      const before = reasons.get(e.stopId) ?? null;
      // A voided classification never set the reason: the next one's "before" is what was there.
      if (!isVoided(e.id)) reasons.set(e.stopId, after);
      if (isIn && wanted.has('classify')) out.push({ id: e.id, kind: 'classify', lineId: e.lineId, stationId: e.stationId, author: e.author, ts: e.ts, target: e.stopId, before, targetTs: null, after, reason: '', isVoided: isVoided(e.id), stopId: e.stopId });
      continue;
    }
    if (e.type === 'stop.split') {
      const after = payloadOf(e)!;
      const before = reasons.get(e.stopId) ?? null;
      // The later part is a stop of its own: its reason so far is the split's, else the parent's.
      const inherited = e.reasonId ? after : before;
      // A voided split made no later part, so it passes no reason on.
      if (inherited && !isVoided(e.id)) reasons.set(e.newStopId, inherited);
      if (isIn && wanted.has('split')) out.push({ id: e.id, kind: 'split', lineId: e.lineId, stationId: e.stationId, author: e.author, ts: e.ts, target: e.stopId, before, targetTs: null, after, reason: '', isVoided: isVoided(e.id), stopId: e.stopId });
      continue;
    }
    if ((e.type !== 'correction' && e.type !== 'void') || !isIn || !wanted.has(e.type)) continue;
    const target = e.type === 'correction' ? e.supersedes : e.voids;
    const original = byId.get(target);
    const before = original ? payloadOf(original) : null;
    const after = e.type === 'correction' ? e.replacement : null;
    out.push({
      id: e.id,
      kind: e.type,
      lineId: e.lineId,
      stationId: e.stationId,
      author: e.author,
      ts: e.ts,
      target,
      before,
      targetTs: original?.ts ?? null,
      after,
      reason: e.reason,
      isVoided: isVoided(e.id),
      stopId: stopIdOf(after) ?? stopIdOf(before),
    });
  }
  return out;
}
