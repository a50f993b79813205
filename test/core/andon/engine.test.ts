import { describe, expect, it } from 'vitest';
import { andonCallLog } from '../../../src/core/andon/calls.ts';
import { emptyEngineState, evaluate, withCalls, type AndonAction, type AndonEngineState, type AndonRules, type LineFacts } from '../../../src/core/andon/engine.ts';
import { andonRuleSchema, type AndonRule } from '../../../src/core/andon/rules.schema.ts';
import type { FloorEvent } from '../../../src/core/index.ts';
import { eventFixture } from '../../helpers/event-fixture.ts';

const t0 = Date.UTC(2026, 11, 4, 10, 40);
const S = 1000;

const rule = (r: unknown): AndonRule => andonRuleSchema.parse(r);
const rulesOf = (...list: AndonRule[]): AndonRules => ({
  byLine: new Map([['l1', list]]),
  byId: new Map(list.map((r) => [r.id, r])),
  parents: new Map([['jam', 'breakdown']]),
});
const running = (over: Partial<LineFacts> = {}): LineFacts => ({ lineId: 'l1', stationId: 'press', state: 'running', since: t0, stop: null, good: 0, reject: 0, ...over });
const stopped = (stopId: string, start: number, reasonId: string | null = null): LineFacts =>
  running({ state: 'stopped', since: start, stop: { stopId, start, stationId: 'press', reasonId } });

const longStop = rule({ id: 'long-stop', trigger: { kind: 'stop', afterSec: 300 }, call: 'maintenance', escalation: [{ afterSec: 0, notify: ['maintenance'] }, { afterSec: 600, notify: ['lead'] }, { afterSec: 1800, notify: ['plant-manager'] }] });

/** A fake clock: the engine is driven tick by tick with explicit times. */
function drive(rules: AndonRules, script: (now: number) => LineFacts, from: number, to: number, stepMs = S) {
  let state: AndonEngineState = emptyEngineState();
  const actions: AndonAction[] = [];
  for (let now = from; now <= to; now += stepMs) {
    const out = evaluate(state, [script(now)], now, rules);
    state = out.state;
    actions.push(...out.actions);
  }
  return { state, actions };
}

describe('andon rule engine', () => {
  it('raises a stop call once the stop outlasts its threshold, not a second earlier, and says when to look next', () => {
    const rules = rulesOf(longStop);
    const before = evaluate(emptyEngineState(), [stopped('S1', t0)], t0 + 299 * S, rules);
    expect(before.actions).toEqual([]);
    expect(before.nextDueAt).toBe(t0 + 300 * S);
    const at = evaluate(before.state, [stopped('S1', t0)], t0 + 300 * S, rules);
    expect(at.actions).toMatchObject([{ type: 'raise', kind: 'maintenance', trigger: 'stop', ruleId: 'long-stop', stopId: 'S1', stationId: 'press' }]);
    expect(evaluate(at.state, [stopped('S1', t0)], t0 + 301 * S, rules).actions).toEqual([]);
  });

  it('escalates an unacknowledged call on time, level by level, and resolves it when the stop ends', () => {
    const { actions } = drive(rulesOf(longStop), (now) => (now < t0 + 2500 * S ? stopped('S1', t0) : running({ since: t0 + 2500 * S })), t0, t0 + 2600 * S, 10 * S);
    expect(actions.map((a) => [a.type, a.at - t0, a.type === 'escalate' ? a.level : null])).toEqual([
      ['raise', 300 * S, null],
      ['escalate', 900 * S, 2],
      ['escalate', 2100 * S, 3],
      ['resolve', 2500 * S, null],
    ]);
  });

  it('does not escalate an acknowledged call', () => {
    const rules = rulesOf(longStop);
    const raised = evaluate(emptyEngineState(), [stopped('S1', t0)], t0 + 300 * S, rules);
    const call = [...raised.state.open.values()][0]!;
    const acked = withCalls(raised.state, [{ ...call, ack: { by: 'lea', from: 'board', at: t0 + 400 * S } }]);
    expect(evaluate(acked, [stopped('S1', t0)], t0 + 2000 * S, rules).actions).toEqual([]);
  });

  it('calls only for stops of the rule\'s reasons (a second-level reason counts for its category)', () => {
    const rules = rulesOf(rule({ id: 'breakdowns', trigger: { kind: 'stop', afterSec: 60, reasons: ['breakdown'] }, call: 'maintenance', escalation: [{ afterSec: 0, notify: ['m'] }] }));
    expect(evaluate(emptyEngineState(), [stopped('S1', t0, null)], t0 + 120 * S, rules).actions).toEqual([]);
    expect(evaluate(emptyEngineState(), [stopped('S1', t0, 'material-missing')], t0 + 120 * S, rules).actions).toEqual([]);
    expect(evaluate(emptyEngineState(), [stopped('S1', t0, 'jam')], t0 + 120 * S, rules).actions).toHaveLength(1);
  });

  it('calls when a running line counts nothing, and resolves when counting resumes', () => {
    const rules = rulesOf(rule({ id: 'silent', trigger: { kind: 'no-count', afterSec: 120 }, call: 'lead', escalation: [{ afterSec: 0, notify: ['lead'] }] }));
    const { actions } = drive(rules, (now) => running({ good: now < t0 + 200 * S ? 5 : 6 }), t0, t0 + 210 * S);
    expect(actions.map((a) => [a.type, a.at - t0])).toEqual([
      ['raise', 120 * S],
      ['resolve', 200 * S],
    ]);
  });

  it('calls on a scrap rate above its limit over the window and resolves when it falls back', () => {
    const rules = rulesOf(rule({ id: 'scrap', trigger: { kind: 'scrap-rate', percent: 10, windowSec: 60, minParts: 10 }, call: 'quality', escalation: [{ afterSec: 0, notify: ['q'] }] }));
    // One part every second; from 30 s on every third is a reject; from 100 s none.
    let good = 0;
    let reject = 0;
    const { actions } = drive(rules, (now) => {
      const s = (now - t0) / S;
      if (s >= 30 && s < 100 && s % 3 === 0) reject++;
      else good++;
      return running({ good, reject });
    }, t0, t0 + 200 * S);
    expect(actions.map((a) => a.type)).toEqual(['raise', 'resolve']);
    expect(actions[0]!.at - t0).toBeGreaterThan(30 * S);
    expect(actions[0]!.at - t0).toBeLessThan(60 * S);
    expect(actions[1]!.at - t0).toBeGreaterThan(100 * S);
    expect(actions[1]!.at - t0).toBeLessThan(170 * S);
  });

  it('calls on no data for its time and resolves when data is back', () => {
    const rules = rulesOf(rule({ id: 'blind', trigger: { kind: 'no-data', afterSec: 30 }, call: 'maintenance', escalation: [{ afterSec: 0, notify: ['it'] }] }));
    const { actions } = drive(rules, (now) => (now < t0 + 100 * S ? running({ state: 'no-data', since: t0 }) : running({ since: t0 + 100 * S })), t0, t0 + 110 * S);
    expect(actions.map((a) => [a.type, a.at - t0])).toEqual([
      ['raise', 30 * S],
      ['resolve', 100 * S],
    ]);
  });

  it('escalates a button call by its rule and never resolves it by itself', () => {
    const button = rule({ id: 'call-material', trigger: { kind: 'button' }, call: 'material', escalation: [{ afterSec: 0, notify: ['logistics'] }, { afterSec: 60, notify: ['lead'] }] });
    const op = eventFixture({ deviceId: 'tab-1', author: 'anna', lineId: 'l1', stationId: 'press' });
    const events: FloorEvent[] = [op.at(t0, { type: 'andon.raise', kind: 'material', trigger: 'button', ruleId: 'call-material', cause: 'button|tab-1|1' })];
    const state = withCalls(emptyEngineState(), andonCallLog(events));
    const out = evaluate(state, [running({ state: 'running' })], t0 + 61 * S, rulesOf(button));
    expect(out.actions).toMatchObject([{ type: 'escalate', level: 2 }]);
  });

  it('does not raise a cause again after its call was resolved, nor after a restart rebuilt the state from the log', () => {
    const rules = rulesOf(longStop);
    const raised = evaluate(emptyEngineState(), [stopped('S1', t0)], t0 + 300 * S, rules);
    const call = [...raised.state.open.values()][0]!;
    // Restart: nothing in memory but the call log (resolved by hand while the stop goes on).
    const restarted = withCalls(emptyEngineState(), [{ ...call, resolved: { how: 'hand', by: 'lea', at: t0 + 400 * S, note: 'on it' } }]);
    expect(evaluate(restarted, [stopped('S1', t0)], t0 + 500 * S, rules).actions).toEqual([]);
  });
});
