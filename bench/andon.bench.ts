// npm run bench:andon — issue 14's budget: 500 lines with 4 rules each, evaluated every second.
// (1) per-tick cost of the pure engine (src/core/andon/engine.ts) over 10 minutes of plant time,
//     lines stopping, counting, scrapping and going silent at random (budget: < 5 ms per tick);
// (2) raise latency from a stop's threshold to its raise: the service's schedule (a tick every
//     second, and one at the moment a threshold is due, `nextDueAt`) against the baseline of plain
//     1 s ticks, in the same run (budget: < 1 s).
import { performance } from 'node:perf_hooks';
import { emptyEngineState, evaluate, type AndonEngineState, type AndonRules, type LineFacts } from '../src/core/andon/engine.ts';
import { andonRuleSchema } from '../src/core/andon/rules.schema.ts';

const LINES = 500;
const SECONDS = 600;
const t0 = Date.UTC(2026, 11, 4, 6);
const esc = [{ afterSec: 0, notify: ['a'] }, { afterSec: 120, notify: ['b'] }, { afterSec: 300, notify: ['c'] }];
const rules = [
  andonRuleSchema.parse({ id: 'stop', trigger: { kind: 'stop', afterSec: 30 }, call: 'maintenance', escalation: esc }),
  andonRuleSchema.parse({ id: 'count', trigger: { kind: 'no-count', afterSec: 60 }, call: 'lead', escalation: esc }),
  andonRuleSchema.parse({ id: 'scrap', trigger: { kind: 'scrap-rate', percent: 15, windowSec: 120, minParts: 10 }, call: 'quality', escalation: esc }),
  andonRuleSchema.parse({ id: 'blind', trigger: { kind: 'no-data', afterSec: 45 }, call: 'maintenance', escalation: esc }),
];
const lineIds = Array.from({ length: LINES }, (_, i) => `line-${i}`);
const ruleSet: AndonRules = { byLine: new Map(lineIds.map((id) => [id, rules])), byId: new Map(rules.map((r) => [r.id, r])), parents: new Map() };

/** A deterministic world: each line's facts at each ms (a seeded generator, the same for both schedules). */
function world(seed: number) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const lines = new Map<string, LineFacts>(lineIds.map((id) => [id, { lineId: id, stationId: `${id}-m`, state: 'running', since: t0, stop: null, good: 0, reject: 0 }]));
  let stopNo = 0;
  /** Stop starts at whole seconds plus a random fraction: thresholds fall between ticks. */
  return (second: number): LineFacts[] => {
    const now = t0 + second * 1000;
    for (const [id, f] of lines) {
      const r = rand();
      if (f.stop && r < 0.02) lines.set(id, { ...f, state: 'running', since: now, stop: null });
      else if (!f.stop && f.state !== 'no-data' && r < 0.004) {
        const start = now + Math.floor(rand() * 999);
        lines.set(id, { ...f, state: 'stopped', since: start, stop: { stopId: `S${stopNo++}`, start, stationId: f.stationId, reasonId: null } });
      } else if (f.state === 'running' && r < 0.5) lines.set(id, { ...f, good: f.good + 1, reject: f.reject + (rand() < 0.1 ? 1 : 0) });
      else if (f.state === 'no-data' ? r > 0.99 : r > 0.9995) lines.set(id, { ...f, state: f.state === 'no-data' ? 'running' : 'no-data', since: now });
    }
    return [...lines.values()];
  };
}

function run(useDue: boolean) {
  const factsAt = world(42);
  let state: AndonEngineState = emptyEngineState();
  const costs: number[] = [];
  const latencies: number[] = [];
  let facts = factsAt(0);
  let now = t0;
  let nextSecond = 1;
  let raises = 0;
  while (now < t0 + SECONDS * 1000) {
    const started = performance.now();
    const out = evaluate(state, facts, now, ruleSet);
    costs.push(performance.now() - started);
    state = out.state;
    for (const a of out.actions) {
      if (a.type !== 'raise') continue;
      raises++;
      if (a.trigger === 'stop') {
        const f = facts.find((x) => x.lineId === a.lineId)!;
        latencies.push(a.at - (f.stop!.start + 30_000));
      }
    }
    const tick = t0 + nextSecond * 1000;
    const next = useDue ? Math.min(tick, out.nextDueAt) : tick;
    now = Math.max(next, now + 1);
    if (now >= tick) {
      facts = factsAt(nextSecond);
      nextSecond++;
    }
  }
  return { costs, latencies, raises };
}

const pct = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const ms = (x: number) => `${x.toFixed(3)} ms`;
for (const [name, useDue] of [['baseline: plain 1 s ticks', false], ['service: 1 s ticks + nextDueAt', true]] as const) {
  run(useDue); // warm-up
  const { costs, latencies, raises } = run(useDue);
  console.log(`${name}: ${LINES} lines x ${rules.length} rules, ${costs.length} evaluations, ${raises} calls raised`);
  console.log(`  per evaluation: p50 ${ms(pct(costs, 50))}, p95 ${ms(pct(costs, 95))}, max ${ms(Math.max(...costs))} (budget 5 ms)`);
  console.log(`  raise latency after a stop's threshold (${latencies.length} stops): p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms, max ${Math.max(...latencies)} ms (budget 1000 ms)`);
}
