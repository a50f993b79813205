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
