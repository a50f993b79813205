import { contentUlid } from '../import/event-id.ts';
import type { LineState } from '../live.schema.ts';
import { isOpen, type AndonCall } from './calls.ts';
import type { AndonKind, AndonTriggerKind } from './kinds.ts';
import type { AndonRule } from './rules.schema.ts';
import { buttonRule } from './rule-scope.ts';

/**
 * What the engine is told about one line at a moment, read from the station-state fold (the same
 * fold the screens and the OEE engine read, src/core/station-state): one truth.
 */
export interface LineFacts {
  lineId: string;
  /** Where a call the service raises is shown when no stop names a station: the line's machine station. */
  stationId: string;
  state: LineState;
  /** When the current state began. */
  since: number | null;
  /** The open stop, if any. */
  stop: { stopId: string; start: number; stationId: string; reasonId: string | null } | null;
  /** The window's counts so far (a new shift starts them over). */
  good: number;
  reject: number;
}

/** What the engine remembers of a line between ticks. */
interface LineMemory {
  total: number;
  /** When the count last moved (or the line was first seen). */
  lastCountAt: number;
  /** Count samples [at, total, reject], oldest first, for the scrap-rate windows. */
  samples: [number, number, number][];
}

/** The engine's whole state: calls still open, every cause raised so far, and per-line memory. */
export interface AndonEngineState {
  open: ReadonlyMap<string, AndonCall>;
  causes: ReadonlySet<string>;
  lines: ReadonlyMap<string, LineMemory>;
}

export type AndonAction =
  | {
      type: 'raise';
      callId: string;
      lineId: string;
      stationId: string;
      ruleId: string;
      kind: AndonKind;
      trigger: AndonTriggerKind;
      cause: string;
      stopId: string | null;
      reasonId: string | null;
      at: number;
    }
  | { type: 'escalate'; callId: string; lineId: string; stationId: string; level: number; at: number }
  | { type: 'resolve'; callId: string; lineId: string; stationId: string; at: number };

/** The rules in force: per line, and by id (an open call's escalation follows its rule). */
export interface AndonRules {
  byLine: ReadonlyMap<string, readonly AndonRule[]>;
  byId: ReadonlyMap<string, AndonRule>;
  /** Second-level reason -> its top-level category. */
  parents: ReadonlyMap<string, string>;
}

export const emptyEngineState = (): AndonEngineState => ({ open: new Map(), causes: new Set(), lines: new Map() });

/**
 * The engine's state from the call log (src/core/andon/calls.ts): the open calls and every cause
 * ever raised, so a cause raised before (even resolved since, even before a restart) is never raised
 * again. Line memory is kept.
 */
export function withCalls(state: AndonEngineState, calls: Iterable<AndonCall>): AndonEngineState {
  const open = new Map<string, AndonCall>();
  const causes = new Set(state.causes);
  for (const c of calls) {
    causes.add(c.cause);
    if (isOpen(c)) open.set(c.id, c);
  }
  return { open, causes, lines: state.lines };
}

const SEC = 1000;

/** The rule a call follows: the one that raised it; for a tablet's button, its line's button rule of that kind. */
export function ruleOfCall(call: AndonCall, rules: AndonRules): AndonRule | undefined {
  if (call.ruleId !== null) return rules.byId.get(call.ruleId);
  return call.trigger === 'button' ? buttonRule(rules.byLine.get(call.lineId) ?? [], call.kind) : undefined;
}

/** The id of the call a cause raises: the same cause always gives the same id, so storage keeps one. */
export const callIdOf = (cause: string, causeAt: number): string => contentUlid(Math.max(0, causeAt), cause);

function remember(prev: LineMemory | undefined, f: LineFacts, now: number, keepMs: number): LineMemory {
  const total = f.good + f.reject;
  // First sight: the last count is not known (a restart), so "no count" runs from the state's start.
  if (!prev) return { total, lastCountAt: -Infinity, samples: [[now, total, f.reject]] };
  if (total < prev.total) return { total, lastCountAt: now, samples: [[now, total, f.reject]] };
  if (total === prev.total) return prev;
  const samples = prev.samples.filter(([at]) => at >= now - keepMs);
  // Keep the newest sample at or before the window's start: the window's counts are measured from it.
  const before = prev.samples.filter(([at]) => at < now - keepMs).at(-1);
  if (before) samples.unshift(before);
  samples.push([now, total, f.reject]);
  return { total, lastCountAt: now, samples };
}

/** Rejects as a percentage of the parts made since `from`, or null under `minParts`. */
function scrapPercent(m: LineMemory, from: number, minParts: number): number | null {
  const base = m.samples.filter(([at]) => at <= from).at(-1) ?? m.samples[0];
  const last = m.samples.at(-1);
  if (!base || !last) return null;
  const made = last[1] - base[1];
  if (made < minParts) return null;
  return (100 * (last[2] - base[2])) / made;
}

const matchesReason = (rule: AndonRule, reasonId: string | null, parents: ReadonlyMap<string, string>): boolean => {
  if (rule.trigger.kind !== 'stop' || !rule.trigger.reasons) return true;
  if (reasonId === null) return false;
  return rule.trigger.reasons.includes(reasonId) || rule.trigger.reasons.includes(parents.get(reasonId) ?? '');
};

/** When a rule's trigger holds, the cause (and when it began); null when it does not hold now. */
function causeOf(rule: AndonRule, f: LineFacts, m: LineMemory, now: number, parents: ReadonlyMap<string, string>): { cause: string; at: number; dueAt: number } | null {
  const t = rule.trigger;
  switch (t.kind) {
    case 'stop':
      if (!f.stop || !matchesReason(rule, f.stop.reasonId, parents)) return null;
      return { cause: `stop|${rule.id}|${f.stop.stopId}`, at: f.stop.start, dueAt: f.stop.start + t.afterSec * SEC };
    case 'no-count': {
      if (f.state !== 'running') return null;
      const base = Math.max(m.lastCountAt, f.since ?? m.lastCountAt);
      if (!Number.isFinite(base)) return null;
      return { cause: `no-count|${rule.id}|${f.lineId}|${base}`, at: base, dueAt: base + t.afterSec * SEC };
    }
    case 'scrap-rate': {
      const pct = scrapPercent(m, now - t.windowSec * SEC, t.minParts);
      if (pct === null || pct <= t.percent) return null;
      return { cause: `scrap-rate|${rule.id}|${f.lineId}|${m.lastCountAt}`, at: m.lastCountAt, dueAt: now };
    }
    case 'no-data':
      if (f.state !== 'no-data' || f.since === null) return null;
      return { cause: `no-data|${rule.id}|${f.lineId}|${f.since}`, at: f.since, dueAt: f.since + t.afterSec * SEC };
    case 'button':
      return null;
  }
}

/** Does the cause of an open (rule-raised) call still hold? */
function stillHolds(call: AndonCall, rule: AndonRule, f: LineFacts, m: LineMemory, now: number): boolean {
  const t = rule.trigger;
  switch (t.kind) {
    case 'stop':
      return f.stop !== null && f.stop.stopId === call.stopId;
    case 'no-count':
      return f.state === 'running' && m.lastCountAt <= call.raisedAt;
    case 'scrap-rate': {
      // A call stands for one window at least: a rate hovering at the limit must not call and resolve every second.
      if (now - call.raisedAt < t.windowSec * SEC) return true;
      const pct = scrapPercent(m, now - t.windowSec * SEC, t.minParts);
      return pct === null || pct > t.percent;
    }
    case 'no-data':
      return f.state === 'no-data';
    case 'button':
      return true;
  }
}

/**
 * THE andon rule engine, pure: given its state, what the fold says about each line now, and the
 * rules, it says which calls to raise, escalate and resolve, and when it next needs to look (a
 * threshold or escalation due before the next tick). The caller turns actions into events and feeds
 * the committed calls back with `withCalls`; the returned state already counts its raises, so a
 * cause is raised at most once even before its event is stored.
 *
 * @example
 * const { state, actions, nextDueAt } = evaluate(state, facts, Date.now(), rules);
 */
export function evaluate(
  state: AndonEngineState,
  facts: readonly LineFacts[],
  now: number,
  rules: AndonRules,
): { state: AndonEngineState; actions: AndonAction[]; nextDueAt: number } {
  const actions: AndonAction[] = [];
  let nextDueAt = Infinity;
  const lines = new Map(state.lines);
  const open = new Map(state.open);
  // Copied only when a raise adds to it: the set holds every cause of the log's window.
  let causes = state.causes as Set<string>;
  const openByLine = new Map<string, AndonCall[]>();
  for (const c of open.values()) {
    const list = openByLine.get(c.lineId);
    if (list) list.push(c);
    else openByLine.set(c.lineId, [c]);
  }
  for (const f of facts) {
    const lineRules = rules.byLine.get(f.lineId) ?? [];
    const keepMs = lineRules.reduce((ms, r) => (r.trigger.kind === 'scrap-rate' ? Math.max(ms, r.trigger.windowSec * SEC) : ms), 0);
    const m = remember(lines.get(f.lineId), f, now, keepMs);
    lines.set(f.lineId, m);
    const lineOpen = openByLine.get(f.lineId) ?? [];
    // Causes that ended: resolve their calls.
    for (const call of lineOpen) {
      const rule = ruleOfCall(call, rules);
      if (!rule || call.trigger === 'button' || stillHolds(call, rule, f, m, now)) continue;
      actions.push({ type: 'resolve', callId: call.id, lineId: call.lineId, stationId: call.stationId, at: now });
      open.delete(call.id);
    }
    for (const rule of lineRules) {
      const c = causeOf(rule, f, m, now, rules.parents);
      if (!c || causes.has(c.cause)) continue;
      if (c.dueAt > now) {
        nextDueAt = Math.min(nextDueAt, c.dueAt);
        continue;
      }
      // One open call per rule and line (per stop for stop rules): a cause re-found after a restart stays one call.
      if (lineOpen.some((o) => open.has(o.id) && o.ruleId === rule.id && (rule.trigger.kind !== 'stop' || o.stopId === f.stop?.stopId))) continue;
      const callId = callIdOf(c.cause, c.at);
      const stationId = (rule.trigger.kind === 'stop' && f.stop?.stationId) || f.stationId;
      const stopId = rule.trigger.kind === 'stop' ? (f.stop?.stopId ?? null) : null;
      const reasonId = rule.trigger.kind === 'stop' ? (f.stop?.reasonId ?? null) : null;
      actions.push({ type: 'raise', callId, lineId: f.lineId, stationId, ruleId: rule.id, kind: rule.call, trigger: rule.trigger.kind, cause: c.cause, stopId, reasonId, at: now });
      if (causes === state.causes) causes = new Set(state.causes);
      causes.add(c.cause);
      open.set(callId, {
        id: callId, lineId: f.lineId, stationId, kind: rule.call, trigger: rule.trigger.kind, ruleId: rule.id, cause: c.cause, stopId, reasonId, note: null,
        author: '', raisedAt: now, level: 1, levels: [{ level: 1, at: now }], ack: null, resolved: null,
      });
    }
  }
  // Escalation: every open, unacknowledged call climbs its rule's levels on time.
  for (const call of open.values()) {
    if (call.ack) continue;
    const rule = ruleOfCall(call, rules);
    if (!rule) continue;
    let level = call.level;
    for (let i = call.level; i < rule.escalation.length; i++) {
      const dueAt = call.raisedAt + (rule.escalation[i]?.afterSec ?? Infinity) * SEC;
      if (dueAt > now) {
        nextDueAt = Math.min(nextDueAt, dueAt);
        break;
      }
      level = i + 1;
      actions.push({ type: 'escalate', callId: call.id, lineId: call.lineId, stationId: call.stationId, level, at: now });
    }
    if (level !== call.level) open.set(call.id, { ...call, level, levels: [...call.levels, ...Array.from({ length: level - call.level }, (_, k) => ({ level: call.level + k + 1, at: now }))] });
  }
  return { state: { open, causes, lines }, actions, nextDueAt };
}
