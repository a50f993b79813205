import type { FloorEvent } from '../events.schema.ts';
import { effectiveEvents } from '../oee/normalize.ts';
import type { AndonAckSource, AndonKind, AndonTriggerKind } from './kinds.ts';

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
  resolved: { how: 'auto' | 'hand'; by: string; at: number; note: string | null } | null;
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
 * unknown call are ignored. Copies count once.
 */
export function andonCallLog(events: readonly FloorEvent[]): AndonCall[] {
  const byId = new Map<string, AndonCall>();
  for (const e of effectiveEvents(events)) {
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
    if (e.type === 'andon.ack') call.ack ??= { by: e.author, from: e.from, at: e.ts };
    else if (e.type === 'andon.escalate') {
      if (e.level > call.level && call.ack === null) {
        call.level = e.level;
        call.levels.push({ level: e.level, at: e.ts });
      }
    } else call.resolved = { how: e.how, by: e.author, at: e.ts, note: e.note ?? null };
  }
  return [...byId.values()];
}

/** Response times of one call, ms; null while it has not happened. */
/** What response times are read from: a call, or its view on the wire. */
export type CallTimes = Pick<AndonCall, 'raisedAt'> & { ack: { at: number } | null; resolved: { at: number } | null };

export function responseTimes(c: CallTimes): { toAcknowledgeMs: number | null; toResolveMs: number | null } {
  return {
    toAcknowledgeMs: c.ack ? Math.max(0, c.ack.at - c.raisedAt) : null,
    toResolveMs: c.resolved ? Math.max(0, c.resolved.at - c.raisedAt) : null,
  };
}
