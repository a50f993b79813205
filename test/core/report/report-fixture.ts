import { EventMaker, H, MIN, MONDAY } from '../oee/fixtures.ts';

/** A shift on l1: two stops (one classified, one corrected), counts with rejects, a late scrap, a changeover, a note, a handover with an ack next shift. */
export function shiftEvents() {
  const m = new EventMaker();
  const s = MONDAY + 6 * H;
  const [a, aEnd] = m.stop(s + 60 * MIN, s + 90 * MIN, { reasonId: 'jam' });
  const [b, bEnd] = m.stop(s + 200 * MIN, s + 215 * MIN);
  const classify = m.ev(s + 216 * MIN, { type: 'stop.classify', stopId: b.id, reasonId: 'jam' });
  const fix = m.ev(s + 220 * MIN, { type: 'correction', supersedes: classify.id, reason: 'was setup', replacement: { type: 'stop.classify', stopId: b.id, reasonId: 'setup' } });
  const handover = m.ev(s + 470 * MIN, { type: 'handover', scope: 'station', topics: ['material'], text: 'Coil nearly empty' });
  return {
    handover,
    events: [
      a, aEnd, b, bEnd, classify, fix,
      m.count(s + 100 * MIN, 3000, 0),
      m.ev(s + 120 * MIN, { type: 'count', productId: 'p1', good: 0, reject: 12, scrapReasonId: 'jam' }),
      m.ev(s + 130 * MIN, { type: 'scrap', productId: 'p1', quantity: 5, reasonId: 'mech' }),
      m.ev(s + 300 * MIN, { type: 'changeover.start', toProductId: 'p2' }),
      m.ev(s + 325 * MIN, { type: 'changeover.end', productId: 'p2' }),
      m.count(s + 400 * MIN, 2000, 0, 'p2'),
      m.ev(s + 410 * MIN, { type: 'note', text: 'Guard door sticks' }),
      handover,
      m.ev(s + 490 * MIN, { type: 'handover.ack', handoverId: handover.id }),
      m.ev(s + 491 * MIN, { type: 'handover.ack', handoverId: handover.id }),
      m.ev(s + 60 * MIN, { type: 'note', text: 'other line' }, { lineId: 'l2' }),
    ],
  };
}
