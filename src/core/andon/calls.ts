import type { FloorEvent } from '../events.schema.ts';
import { effectiveEvents, voidCheck } from '../oee/normalize.ts';
import type { AndonAckSource, AndonKind, AndonResolveHow, AndonTriggerKind } from './kinds.ts';

/**
 * The note the service wrote (before calls were read as taken back from the void itself) on the
 * resolve of a call its caller took back, followed by " (<the undo's reason>)". Stored data still
 * holds such resolves: they read as taken back.
 */
export const LEGACY_TAKEN_BACK_NOTE = 'taken back by the caller on the tablet';

/** The event types a reader of calls loads for `andonCallLog`: the andon events and the voids (an undo of a raise is a take-back). */
export const ANDON_READ_TYPES = ['andon.raise', 'andon.ack', 'andon.escalate', 'andon.resolve', 'void'] as const;

/** One andon call and its life: raised, escalated, acknowledged (who, from where), resolved. */
export interface AndonCall {
  /** The andon.raise event's id. */
  id: string;
  lineId: string;
  stationId: string;
  kind: AndonKind;
  trigger: AndonTriggerKind;
  ruleId: string | null;
  cause: string;
  stopId: string | null;
  reasonId: string | null;
  note: string | null;
  /** Who raised it: an operator (button) or the service. */
  author: string;
  raisedAt: number;
  /** Highest escalation level reached (1 at the raise). */
  level: number;
  /** When each level was reached, level 1 first. */
  levels: { level: number; at: number }[];
  ack: { by: string; from: AndonAckSource; at: number } | null;
  /** How it ended: 'taken-back' when its caller took it back (the undo's void; `note` is the undo's reason). */
  resolved: { how: AndonResolveHow; by: string; at: number; note: string | null } | null;
}

/** Whether its caller took the call back (not answered by anyone: left out of response times). */
export const isTakenBack = (c: { resolved: { how: string } | null }): boolean => c.resolved?.how === 'taken-back';

/** An old stored resolve with the service's taken-back note: the undo's reason, else null. */
function legacyTakenBackReason(how: string, note: string | undefined): string | null {
  if (how !== 'hand' || !note?.startsWith(LEGACY_TAKEN_BACK_NOTE)) return null;
  const m = /^ \((.*)\)$/s.exec(note.slice(LEGACY_TAKEN_BACK_NOTE.length));
  return m ? (m[1] as string) : note;
}

type Void = Extract<FloorEvent, { type: 'void' }>;

/**
 * The take-backs among `events`: per button call, the earliest standing void of its raise by the
 * raise's own author (the tablet's undo; ingest allows it only within CALL_TAKE_BACK_MS). A void of
 * a raise by anyone else (a lead's, on the corrections topic) changes nothing: a lead resolves a
 * call. Returns the voids of raises, all of which the fold keeps away from `effectiveEvents` (it
 * would drop the call).
 */
function takeBacks(events: readonly FloorEvent[]): { byCall: Map<string, Void>; raiseVoids: Set<Void> } {
  const byCall = new Map<string, Void>();
  const raiseVoids = new Set<Void>();
  const raises = new Map<string, Extract<FloorEvent, { type: 'andon.raise' }>>();
  const voidsOf = new Map<string, Void[]>();
  for (const e of events) {
    if (e.type === 'andon.raise') raises.set(e.id, e);
    else if (e.type === 'void') voidsOf.set(e.voids, [...(voidsOf.get(e.voids) ?? []), e]);
  }
  if (voidsOf.size === 0) return { byCall, raiseVoids };
  const isVoided = voidCheck(voidsOf);
  for (const [id, raise] of raises) {
    for (const v of voidsOf.get(id) ?? []) {
      raiseVoids.add(v);
      if (raise.trigger !== 'button' || v.author !== raise.author || isVoided(v.id)) continue;
      const first = byCall.get(id);
      if (!first || v.ts < first.ts) byCall.set(id, v);
    }
  }
  return { byCall, raiseVoids };
}

/** A call is open until resolved. */
export const isOpen = (c: AndonCall): boolean => c.resolved === null;

/**
 * The calls of a window [from, to): those open at some time in it, that is raised in it, or raised
 * before it and resolved after its start or not at all. What the lead's line view lists for the
 * shift picked (GET /api/andon/calls?overlapping=1).
 * @example callsOverlapping(calls, shift.start, shift.end)
 */
export function callsOverlapping<C extends { raisedAt: number; resolved: { at: number } | null }>(calls: readonly C[], from: number, to: number): C[] {
  return calls.filter((c) => c.raisedAt < to && (c.resolved === null || c.resolved.at > from));
}

/**
 * The calls among `events` with their life, oldest first: THE one reading of andon events for the
 * service's engine, the API, the tablet, the board and the shift report. The first ack and the
 * first resolve count; later ones change nothing (two leads tapping at once). Events about an
 * unknown call are ignored. Copies count once. A button call its caller takes back (a void of the
 * raise by its author: the tablet's undo) is resolved 'taken-back' by them at the void's time with
 * the undo's reason as note; events after that change nothing. Readers pass the voids of raises in
 * with the andon events (`ANDON_READ_TYPES`).
 */
export function andonCallLog(events: readonly FloorEvent[]): AndonCall[] {
  const byId = new Map<string, AndonCall>();
  const { byCall: takenBack, raiseVoids } = takeBacks(events);
  for (const e of effectiveEvents(raiseVoids.size ? events.filter((x) => !raiseVoids.has(x as Void)) : events)) {
    if (e.type === 'andon.raise') {
      byId.set(e.id, {
        id: e.id,
        lineId: e.lineId,
        stationId: e.stationId,
        kind: e.kind,
        trigger: e.trigger,
        ruleId: e.ruleId ?? null,
        cause: e.cause,
        stopId: e.causeStopId ?? null,
        reasonId: e.reasonId ?? null,
        note: e.note ?? null,
        author: e.author,
        raisedAt: e.ts,
        level: 1,
        levels: [{ level: 1, at: e.ts }],
        ack: null,
        resolved: null,
      });
      continue;
    }
    if (e.type !== 'andon.ack' && e.type !== 'andon.escalate' && e.type !== 'andon.resolve') continue;
    const call = byId.get(e.callId);
    if (!call || call.resolved) continue;
    // Taken back: nothing after the undo changes the call (the old service's resolve of it, a late answer).
    const back = takenBack.get(call.id);
    if (back && e.ts >= back.ts) continue;
    if (e.type === 'andon.ack') call.ack ??= { by: e.author, from: e.from, at: e.ts };
    else if (e.type === 'andon.escalate') {
      if (e.level > call.level && call.ack === null) {
        call.level = e.level;
        call.levels.push({ level: e.level, at: e.ts });
      }
    } else {
      const legacy = legacyTakenBackReason(e.how, e.note);
      call.resolved = legacy === null ? { how: e.how, by: e.author, at: e.ts, note: e.note ?? null } : { how: 'taken-back', by: e.author, at: e.ts, note: legacy };
    }
  }
  // The undo's void is the take-back itself: no resolve needs to be written for it.
  for (const [id, v] of takenBack) {
    const call = byId.get(id);
    if (call && call.resolved === null) call.resolved = { how: 'taken-back', by: v.author, at: Math.max(v.ts, call.raisedAt), note: v.reason };
  }
  return [...byId.values()];
}

/** Response times of one call, ms; null while it has not happened. */
/** What response times are read from: a call, or its view on the wire. */
export type CallTimes = Pick<AndonCall, 'raisedAt'> & { ack: { at: number } | null; resolved: { at: number; how: string } | null };

/** A call taken back by its caller has no response times: nobody answered it. */
export function responseTimes(c: CallTimes): { toAcknowledgeMs: number | null; toResolveMs: number | null } {
  if (isTakenBack(c)) return { toAcknowledgeMs: null, toResolveMs: null };
  return {
    toAcknowledgeMs: c.ack ? Math.max(0, c.ack.at - c.raisedAt) : null,
    toResolveMs: c.resolved ? Math.max(0, c.resolved.at - c.raisedAt) : null,
  };
}
