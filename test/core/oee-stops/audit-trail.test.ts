import { describe, expect, it } from 'vitest';
import { auditTrail } from '../../../src/core/oee-stops/audit-trail.ts';
import { EventMaker, H, MIN, MONDAY } from '../oee/fixtures.ts';

const FROM = MONDAY + 6 * H;
const TO = MONDAY + 14 * H;

describe('audit trail: the reader asks for the kinds of change it shows', () => {
  const m = new EventMaker();
  const [start] = m.stop(FROM + H, FROM + H + 10 * MIN, { reasonId: 'jam' });
  const fix = m.ev(FROM + 2 * H, { type: 'correction', supersedes: start.id, reason: 'tool change', replacement: { type: 'stop.start', stopId: start.id, reasonId: 'setup' } });
  const fault = m.ev(FROM + 3 * H, { type: 'machine.state', state: 'fault' }, { deviceId: 'gw' });
  const first = m.ev(FROM + 4 * H, { type: 'stop.classify', stopId: fault.id, reasonId: 'mech' });
  const again = m.ev(FROM + 5 * H, { type: 'stop.classify', stopId: fault.id, reasonId: 'maint' });
  const undo = m.ev(FROM + 6 * H, { type: 'void', voids: again.id, reason: 'wrong stop' });
  const events = [start, fix, fault, first, again, undo];

  it('corrections and voids without classifications (the shift report)', () => {
    expect(auditTrail(events, FROM, TO, ['correction', 'void']).map((e) => [e.id, e.kind])).toEqual([
      [fix.id, 'correction'],
      [undo.id, 'void'],
    ]);
  });

  it('classifications alone still know what came before each, and which a void cancelled', () => {
    expect(auditTrail(events, FROM, TO, ['classify'])).toEqual([
      expect.objectContaining({ id: first.id, before: null, isVoided: false }),
      expect.objectContaining({ id: again.id, before: { type: 'stop.classify', stopId: fault.id, reasonId: 'mech' }, isVoided: true }),
    ]);
  });

  it('no kinds: nothing', () => {
    expect(auditTrail(events, FROM, TO, [])).toEqual([]);
  });
});

describe('audit trail: a voided change passes nothing on', () => {
  const m = new EventMaker();
  const fault = m.ev(FROM + H, { type: 'machine.state', state: 'fault' }, { deviceId: 'gw' });
  const first = m.ev(FROM + H + MIN, { type: 'stop.classify', stopId: fault.id, reasonId: 'mech' });
  const split = m.ev(FROM + H + 2 * MIN, { type: 'stop.split', stopId: fault.id, at: FROM + H + 30_000, newStopId: 'later-part', reasonId: 'jam' });
  const undoSplit = m.ev(FROM + H + 3 * MIN, { type: 'void', voids: split.id, reason: 'split at the wrong time' });
  const wrong = m.ev(FROM + H + 4 * MIN, { type: 'stop.classify', stopId: fault.id, reasonId: 'maint' });
  const undoWrong = m.ev(FROM + H + 5 * MIN, { type: 'void', voids: wrong.id, reason: 'wrong reason' });
  const right = m.ev(FROM + H + 6 * MIN, { type: 'stop.classify', stopId: fault.id, reasonId: 'elec' });
  const later = m.ev(FROM + H + 7 * MIN, { type: 'stop.classify', stopId: 'later-part', reasonId: 'elec' });
  const events = [fault, first, split, undoSplit, wrong, undoWrong, right, later];
  const trail = auditTrail(events, FROM, TO, ['classify', 'split']);
  const entry = (id: string) => trail.find((e) => e.id === id)!;

  it('a classification after a voided one says what was there before the voided one', () => {
    expect(entry(wrong.id)).toMatchObject({ isVoided: true, before: { reasonId: 'mech' } });
    expect(entry(right.id).before).toMatchObject({ reasonId: 'mech' });
  });

  it('a voided split gives the later part no reason: its classification starts from nothing', () => {
    expect(entry(split.id)).toMatchObject({ kind: 'split', isVoided: true });
    expect(entry(later.id).before).toBeNull();
  });
});

describe('audit trail: a void taken back by another void, as the engine judges it', () => {
  const m = new EventMaker();
  const fault = m.ev(FROM + H, { type: 'machine.state', state: 'fault' }, { deviceId: 'gw' });
  const first = m.ev(FROM + H + MIN, { type: 'stop.classify', stopId: fault.id, reasonId: 'mech' });
  const undo = m.ev(FROM + H + 2 * MIN, { type: 'void', voids: first.id, reason: 'oops' });
  const undoUndo = m.ev(FROM + H + 3 * MIN, { type: 'void', voids: undo.id, reason: 'it was right' });
  const next = m.ev(FROM + H + 4 * MIN, { type: 'stop.classify', stopId: fault.id, reasonId: 'elec' });
  const trail = auditTrail([fault, first, undo, undoUndo, next], FROM, TO, ['classify', 'void']);

  it('the restored classification is not voided and is the next one\'s before; the taken-back void is marked voided', () => {
    expect(trail.find((e) => e.id === first.id)).toMatchObject({ isVoided: false });
    expect(trail.find((e) => e.id === next.id)!.before).toMatchObject({ reasonId: 'mech' });
    expect(trail.find((e) => e.id === undo.id)).toMatchObject({ isVoided: true });
  });
});

