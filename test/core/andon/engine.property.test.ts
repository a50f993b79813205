import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyEngineState, evaluate, withCalls, type AndonEngineState, type AndonRules, type LineFacts } from '../../../src/core/andon/engine.ts';
import type { AndonCall } from '../../../src/core/andon/calls.ts';
import { andonRuleSchema } from '../../../src/core/andon/rules.schema.ts';

const t0 = Date.UTC(2026, 11, 4, 6);
const esc = [{ afterSec: 0, notify: ['a'] }, { afterSec: 20, notify: ['b'] }];
const rules = [
  andonRuleSchema.parse({ id: 'stop', trigger: { kind: 'stop', afterSec: 5 }, call: 'maintenance', escalation: esc }),
  andonRuleSchema.parse({ id: 'count', trigger: { kind: 'no-count', afterSec: 7 }, call: 'lead', escalation: esc }),
  andonRuleSchema.parse({ id: 'scrap', trigger: { kind: 'scrap-rate', percent: 20, windowSec: 10, minParts: 3 }, call: 'quality', escalation: esc }),
  andonRuleSchema.parse({ id: 'blind', trigger: { kind: 'no-data', afterSec: 4 }, call: 'maintenance', escalation: esc }),
];
const ruleSet: AndonRules = { byLine: new Map([['l1', rules], ['l2', rules]]), byId: new Map(rules.map((r) => [r.id, r])), parents: new Map() };

/** One step of the world: what changes on a line, and what happens around the engine. */
const stepArb = fc.record({
  line: fc.constantFrom('l1', 'l2'),
  change: fc.constantFrom('none', 'stop', 'end-stop', 'good', 'reject', 'no-data', 'data-back'),
  advanceSec: fc.integer({ min: 0, max: 6 }),
  /** The service stores the engine's calls now (feeds the log back), restarts (memory lost), or a lead resolves by hand. */
  around: fc.constantFrom('none', 'none', 'commit', 'restart', 'resolve-by-hand'),
});

describe('andon rule engine (property)', () => {
  it('raises a call at most once per cause, whatever the facts, commits, restarts and hand resolves', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 120 }), (steps) => {
        const lines = new Map<string, LineFacts>(['l1', 'l2'].map((id) => [id, { lineId: id, stationId: `${id}-m`, state: 'running', since: t0, stop: null, good: 0, reject: 0 }]));
        let state: AndonEngineState = emptyEngineState();
        /** The stored call log: what survives a restart. */
        const log = new Map<string, AndonCall>();
        const causes: string[] = [];
        const ids: string[] = [];
        let now = t0;
        let stopNo = 0;
        for (const s of steps) {
          now += s.advanceSec * 1000;
          const f = { ...lines.get(s.line)! };
          if (s.change === 'stop' && !f.stop) Object.assign(f, { state: 'stopped', since: now, stop: { stopId: `S${stopNo++}`, start: now, stationId: f.stationId, reasonId: null } });
          if (s.change === 'end-stop' && f.stop) Object.assign(f, { state: 'running', since: now, stop: null });
          if (s.change === 'good') f.good++;
          if (s.change === 'reject') f.reject++;
          if (s.change === 'no-data') Object.assign(f, { state: 'no-data', since: now });
          if (s.change === 'data-back' && f.state === 'no-data') Object.assign(f, { state: f.stop ? 'stopped' : 'running', since: now });
          lines.set(s.line, f);
          const out = evaluate(state, [...lines.values()], now, ruleSet);
          state = out.state;
          for (const a of out.actions) if (a.type === 'raise') {
            causes.push(a.cause);
            ids.push(a.callId);
          }
          for (const c of state.open.values()) if (!log.has(c.id)) log.set(c.id, c);
          for (const a of out.actions) if (a.type === 'resolve') log.set(a.callId, { ...log.get(a.callId)!, resolved: { how: 'auto', by: 'svc', at: now, note: null } });
          if (s.around === 'commit') state = withCalls(state, log.values());
          if (s.around === 'restart') state = withCalls(emptyEngineState(), log.values());
          if (s.around === 'resolve-by-hand') {
            for (const c of log.values()) if (!c.resolved) log.set(c.id, { ...c, resolved: { how: 'hand', by: 'lea', at: now, note: 'done' } });
            state = withCalls(state, log.values());
          }
        }
        expect(new Set(causes).size).toBe(causes.length);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 300 },
    );
  });
});
