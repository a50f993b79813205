import { describe, expect, it } from 'vitest';
import { canRead, principalOf } from '../../../src/core/access.ts';
import { andonCallLog, callsOverlapping, responseTimes } from '../../../src/core/andon/calls.ts';
import { responseSummary } from '../../../src/core/andon/response.ts';
import { eventSchema, parseTopic, plantSchema, topics, type FloorEvent } from '../../../src/core/index.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { eventFixture } from '../../helpers/event-fixture.ts';
import testPlant from '../../fixtures/test.plant.json' with { type: 'json' };

const t0 = Date.UTC(2026, 11, 4, 10, 42);
const op = eventFixture({ deviceId: 'tab-1', author: 'anna', lineId: 'l1', stationId: 'press' });
const svc = eventFixture({ deviceId: 'floorboard-andon', author: 'floorboard', lineId: 'l1', stationId: 'press' });
const lead = eventFixture({ deviceId: 'board-1', author: 'lea', lineId: 'l1', stationId: 'press' });

describe('andon call log', () => {
  const raise = op.at(t0, { type: 'andon.raise', kind: 'maintenance', trigger: 'button', cause: 'button|x', note: 'hydraulic leak' });

  it('reads a call\'s life: raised, escalated, acknowledged by whom and from where, resolved, with response times', () => {
    const events: FloorEvent[] = [
      raise,
      svc.at(t0 + 600_000, { type: 'andon.escalate', callId: raise.id, level: 2 }),
      lead.at(t0 + 720_000, { type: 'andon.ack', callId: raise.id, from: 'board' }),
      // A second ack and an escalation after the ack change nothing.
      op.at(t0 + 730_000, { type: 'andon.ack', callId: raise.id, from: 'tablet' }),
      svc.at(t0 + 1_800_000, { type: 'andon.escalate', callId: raise.id, level: 3 }),
      lead.at(t0 + 900_000, { type: 'andon.resolve', callId: raise.id, how: 'hand', note: 'hose replaced' }),
    ];
    const [call] = andonCallLog(events);
    expect(call).toMatchObject({ kind: 'maintenance', note: 'hydraulic leak', level: 2, ack: { by: 'lea', from: 'board', at: t0 + 720_000 }, resolved: { how: 'hand', by: 'lea', note: 'hose replaced' } });
    expect(responseTimes(call!)).toEqual({ toAcknowledgeMs: 720_000, toResolveMs: 900_000 });
  });

  it("reads its caller's void of the raise as taken back (by them, at the void's time, the undo's reason as note): a later resolve or escalation does not make it an answered call", () => {
    const undo = op.at(t0 + 60_000, { type: 'void', voids: raise.id, reason: 'mistake' });
    const events: FloorEvent[] = [
      raise,
      undo,
      // What the service wrote before: a resolve after the void; and a late escalation and ack.
      op.at(t0 + 61_000, { type: 'andon.resolve', callId: raise.id, how: 'hand', note: 'taken back by the caller on the tablet (mistake)' }),
      svc.at(t0 + 62_000, { type: 'andon.escalate', callId: raise.id, level: 2 }),
      lead.at(t0 + 63_000, { type: 'andon.ack', callId: raise.id, from: 'board' }),
    ];
    for (const list of [events, events.slice(0, 2), [undo, raise]]) {
      const [call] = andonCallLog(list);
      expect(call).toMatchObject({ level: 1, ack: null, resolved: { how: 'taken-back', by: 'anna', at: t0 + 60_000, note: 'mistake' } });
      expect(responseTimes(call!)).toEqual({ toAcknowledgeMs: null, toResolveMs: null });
    }
  });

  it('reads an old stored resolve with the taken-back note as taken back, without its void', () => {
    const [call] = andonCallLog([raise, op.at(t0 + 61_000, { type: 'andon.resolve', callId: raise.id, how: 'hand', note: 'taken back by the caller on the tablet (entered-twice)' })]);
    expect(call!.resolved).toMatchObject({ how: 'taken-back', by: 'anna', note: 'entered-twice' });
  });

  it("leaves a call open that a lead voids (a lead resolves it), and one whose take-back was itself undone", () => {
    const byLead = lead.at(t0 + 60_000, { type: 'void', voids: raise.id, reason: 'wrong' });
    expect(andonCallLog([raise, byLead])[0]).toMatchObject({ id: raise.id, resolved: null });
    const undo = op.at(t0 + 60_000, { type: 'void', voids: raise.id, reason: 'mistake' });
    const undone = op.at(t0 + 70_000, { type: 'void', voids: undo.id, reason: 'mistake' });
    expect(andonCallLog([raise, undo, undone])[0]).toMatchObject({ id: raise.id, resolved: null });
  });

  it('leaves taken-back calls out of the response summary and counts them apart', () => {
    const other = op.at(t0 + 1000, { type: 'andon.raise', kind: 'maintenance', trigger: 'button', cause: 'button|y' });
    const calls = andonCallLog([
      raise,
      other,
      op.at(t0 + 60_000, { type: 'void', voids: raise.id, reason: 'mistake' }),
      lead.at(t0 + 301_000, { type: 'andon.ack', callId: other.id, from: 'board' }),
      lead.at(t0 + 601_000, { type: 'andon.resolve', callId: other.id, how: 'hand', note: 'done' }),
    ]);
    expect(responseSummary(calls).total).toMatchObject({ calls: 1, takenBack: 1, acknowledged: 1, resolved: 1, meanToAcknowledgeMs: 300_000, meanToResolveMs: 600_000 });
  });

  it("groups a call without a stop reason by who was called, apart from a reason of the same id (the demo plant's 'maintenance' is Planned maintenance)", () => {
    const planned = svc.at(t0 + 2000, { type: 'andon.raise', kind: 'lead', trigger: 'stop', ruleId: 'r', cause: 'stop|r|s1', reasonId: 'maintenance' });
    const summary = responseSummary(andonCallLog([raise, planned]));
    expect(summary.byReason.map((r) => [r.key, r.calls])).toEqual([['kind:maintenance', 1], ['maintenance', 1]]);
  });

  it('counts copies once and ignores events about unknown calls', () => {
    const stray = lead.at(t0, { type: 'andon.ack', callId: op.nextId(t0 - 1), from: 'api' });
    expect(andonCallLog([raise, raise, stray])).toHaveLength(1);
  });

  it('refuses a hand resolve without a note at the boundary', () => {
    const bad = { ...lead.at(t0, { type: 'andon.resolve', callId: raise.id, how: 'hand', note: 'x' }), note: undefined };
    const parsed = eventSchema.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('a call resolved by hand needs a note');
  });
});

describe('the calls of a window (the line view\'s shift picked)', () => {
  const call = (id: string, raisedAt: number, resolvedAt: number | null) => ({ id, raisedAt, resolved: resolvedAt === null ? null : { at: resolvedAt } });
  it('keeps calls raised in it or open at some time in it, never one raised after it or over before it', () => {
    const calls = [
      call('in', 150, 160),
      call('across-start', 50, 120),
      call('across-end', 190, 300),
      call('open-since-before', 10, null),
      call('open-raised-after', 250, null),
      call('over-before', 10, 90),
      call('over-at-start', 10, 100),
      call('raised-at-end', 200, null),
    ];
    expect(callsOverlapping(calls, 100, 200).map((c) => c.id)).toEqual(['in', 'across-start', 'across-end', 'open-since-before']);
  });
});

describe('andon in the plant file and the namespace', () => {
  it('names every broken reference of a rule', () => {
    const bad = { ...testPlant, andon: { rules: [{ id: 'r', lines: ['nope'], trigger: { kind: 'stop', afterSec: 60, reasons: ['ghost'] }, call: 'maintenance', escalation: [{ afterSec: 0, notify: ['m'] }] }] } };
    const parsed = plantSchema.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(['andon.rules.0.lines.0: unknown line "nope"', 'andon.rules.0.trigger.reasons.0: unknown reason "ghost"']);
  });

  it('refuses escalation times that do not rise', () => {
    const bad = { ...testPlant, andon: { rules: [{ id: 'r', trigger: { kind: 'button' }, call: 'lead', escalation: [{ afterSec: 60, notify: ['a'] }, { afterSec: 30, notify: ['b'] }] }] } };
    expect(plantSchema.safeParse(bad).error?.issues[0]?.message).toBe('escalation times must rise from level to level');
  });

  it('lets the andon state be read like the line status: the line\'s people, not another line\'s', () => {
    const plant = plantSchema.parse(testPlant);
    const index = indexPlant(plant);
    const [line] = [...index.lines.values()];
    const topic = topics.lineAndon(line!.path);
    expect(parseTopic(topic)).toEqual({ kind: 'line-andon', ...line!.path });
    expect(parseTopic(topics.lineAndonCalls(line!.path))).toEqual({ kind: 'line-andon-calls', ...line!.path });
    for (const u of plant.users) {
      const p = principalOf(u);
      expect(canRead(p, parseTopic(topic), index, 'c'), u.id).toBe(canRead(p, parseTopic(topics.lineStatus(line!.path)), index, 'c'));
    }
  });
});
