import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CorrectablePayload, FloorEvent } from '../../../src/core/events.schema.ts';
import { auditKinds, auditTrail } from '../../../src/core/oee-stops/audit-trail.ts';
import { stopsByLine } from '../../../src/core/oee-stops/stop-detail.ts';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { reasonLosses } from '../../../src/core/oee/query.schema.ts';
import { EventMaker, H, MIN, MONDAY, id, makePlant } from '../oee/fixtures.ts';

// One planned shift, 06:00-14:00: stops land inside it so every stop minute is planned time.
const FROM = MONDAY + 6 * H;
const TO = MONDAY + 14 * H;
const plant = makePlant();
const losses = reasonLosses(plant);
const REASONS = [undefined, 'jam', 'mech', 'setup', 'maint', 'small', 'not-in-tree'];
const STATES = ['running', 'fault', 'setup', 'idle'] as const;

const opArb = fc.record({
  kind: fc.integer({ min: 0, max: 8 }),
  t: fc.integer({ min: 0, max: 7 * 60 }).map((m) => FROM + m * MIN),
  stop: fc.integer({ min: 0, max: 4 }),
  other: fc.integer({ min: 0, max: 4 }),
  reason: fc.integer({ min: 0, max: REASONS.length - 1 }),
  state: fc.constantFrom(...STATES),
  // Around the 2-minute small-stop threshold as often as well past it.
  len: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 90 })).map((m) => m * MIN),
  isPaired: fc.boolean(),
});
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

/** Random stop traffic on line l1: starts, ends, classifications, splits, machine states, changeovers, edits. */
function eventsOf(ops: Op[]): FloorEvent[] {
  const m = new EventMaker();
  const stopId = (k: number) => id(10_000 + k);
  const out: FloorEvent[] = [];
  for (const op of ops) {
    const reasonId = REASONS[op.reason];
    const p: CorrectablePayload | null =
      op.kind === 0 ? { type: 'stop.start', stopId: stopId(op.stop), ...(reasonId ? { reasonId } : {}) }
      : op.kind === 1 ? { type: 'stop.end', stopId: stopId(op.stop) }
      : op.kind === 2 ? { type: 'stop.classify', stopId: stopId(op.stop), reasonId: reasonId ?? 'jam' }
      : op.kind === 3 ? { type: 'stop.split', stopId: stopId(op.stop), at: op.t + op.len, newStopId: stopId(op.other), ...(reasonId ? { reasonId } : {}) }
      : op.kind === 4 ? { type: 'machine.state', state: op.state }
      : op.kind === 5 ? { type: 'changeover.start', toProductId: 'p2' }
      : op.kind === 6 ? { type: 'changeover.end', productId: 'p2' }
      // The machine's counter: its production ends an operator's stop someone forgot to end.
      : op.kind === 8 ? { type: 'machine.counter', total: op.len / MIN + op.stop * 7 }
      : null;
    if (p) out.push(m.ev(op.t, p, p.type === 'machine.state' || p.type === 'machine.counter' ? { deviceId: 'gw' } : {}));
    // Most stops get their end (or the machine runs again) after `len`.
    if (p && op.isPaired && (p.type === 'stop.start' || p.type === 'machine.state' || p.type === 'changeover.start'))
      out.push(
        p.type === 'stop.start' ? m.ev(op.t + op.len, { type: 'stop.end', stopId: p.stopId })
        : p.type === 'machine.state' ? m.ev(op.t + op.len, { type: 'machine.state', state: 'running' }, { deviceId: 'gw' })
        : m.ev(op.t + op.len, { type: 'changeover.end', productId: 'p2' }),
      );
    else if (out.length > 0) {
      // A lead's edit of an earlier event: reclassify a classification, or void something.
      const target = out[op.other % out.length]!;
      if (target.type === 'stop.classify') out.push(m.ev(op.t, { type: 'correction', supersedes: target.id, reason: 'fix', replacement: { ...target, reasonId: 'setup' } as CorrectablePayload }));
      else out.push(m.ev(op.t, { type: 'void', voids: target.id, reason: 'wrong' }));
    }
  }
  return out;
}

describe('stopsByLine', () => {
  it('books the same stop time per loss as the OEE engine, for any stop traffic and any now', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.integer({ min: 0, max: 8 * 60 }), (ops, nowMin) => {
        const events = eventsOf(ops);
        const now = FROM + nowMin * MIN;
        const [line] = stopsByLine([plant.areas[0]!.lines[0]!], events, now, losses);
        const mine: Record<string, number> = { breakdown: 0, setup: 0, 'minor-stop': 0, planned: 0 };
        for (const s of line!.segments) {
          const ms = Math.min(s.end, now, TO) - Math.max(s.start, FROM);
          if (ms > 0) mine[line!.stops[s.stop]!.loss] = (mine[line!.stops[s.stop]!.loss] ?? 0) + ms;
        }
        const total = computeOee(plant, events, { from: FROM, to: TO, now, by: 'window', lineIds: ['l1'] }).lines[0]!.total;
        expect({ breakdown: mine.breakdown, setup: mine.setup, 'minor-stop': mine['minor-stop'] }).toEqual({
          breakdown: total.lossMs.breakdown,
          setup: total.lossMs.setup,
          'minor-stop': total.lossMs['minor-stop'],
        });
        // Planned stops leave planned time.
        expect(total.plannedMs).toBe(Math.max(0, Math.min(now, TO) - FROM) - mine.planned!);
      }),
      { numRuns: 500 },
    );
  });

  it('names the event that sets each reason, and the audit trail keeps the raw entry as "before"', () => {
    const m = new EventMaker();
    const [start, end] = m.stop(FROM + H, FROM + H + 10 * MIN, { reasonId: 'jam' });
    const fix = m.ev(FROM + 2 * H, { type: 'correction', supersedes: start.id, reason: 'tool change', replacement: { type: 'stop.start', stopId: start.id, reasonId: 'setup' } });
    const fault = m.ev(FROM + 3 * H, { type: 'machine.state', state: 'fault' }, { deviceId: 'gw' });
    const back = m.ev(FROM + 3 * H + 5 * MIN, { type: 'machine.state', state: 'running' }, { deviceId: 'gw' });
    const cls = m.ev(FROM + 4 * H, { type: 'stop.classify', stopId: fault.id, reasonId: 'mech' });
    const events = [start, end, fix, fault, back, cls];
    const [line] = stopsByLine([plant.areas[0]!.lines[0]!], events, TO, losses);
    expect(line!.stops.map((s) => [s.id, s.source, s.reasonId, s.reasonEvent?.id, s.reasonEvent?.type])).toEqual([
      [start.id, 'operator', 'setup', start.id, 'stop.start'],
      [fault.id, 'machine', 'mech', cls.id, 'stop.classify'],
    ]);
    expect(auditTrail(events, FROM, TO, auditKinds)).toEqual([
      expect.objectContaining({ id: fix.id, kind: 'correction', target: start.id, before: { type: 'stop.start', stopId: start.id, reasonId: 'jam' }, after: { type: 'stop.start', stopId: start.id, reasonId: 'setup' }, reason: 'tool change', stopId: start.id }),
      // The machine stop's first classification is listed too, naming its stop.
      expect.objectContaining({ id: cls.id, kind: 'classify', before: null, after: { type: 'stop.classify', stopId: fault.id, reasonId: 'mech' }, stopId: fault.id }),
    ]);
  });
});
