import { describe, expect, it } from 'vitest';
import { HANDOVER_OPEN_MS, handoverLog, openHandovers } from '../../src/core/handovers.ts';
import { eventFixture } from '../helpers/event-fixture.ts';

const t0 = Date.UTC(2026, 11, 4, 13, 50);
const lathe = { id: 'lathe', lineId: 'l1' };
const wash = { id: 'wash', lineId: 'l1' };
const anna = eventFixture({ deviceId: 'tab-1', author: 'anna', lineId: 'l1', stationId: 'lathe' });
const ben = eventFixture({ deviceId: 'tab-2', author: 'ben', lineId: 'l1', stationId: 'lathe' });
const carl = eventFixture({ deviceId: 'tab-3', author: 'carl', lineId: 'l1', stationId: 'wash' });
const lead = eventFixture({ deviceId: 'dash-1', author: 'lead', lineId: 'l1', stationId: 'lathe' });

describe('shift handovers: who acknowledged what', () => {
  const stationHo = anna.at(t0, { type: 'handover', scope: 'station', topics: ['material'], text: 'bar stock low' });
  const lineHo = lead.at(t0 + 1000, { type: 'handover', scope: 'line', topics: ['quality'], text: '' });

  it('lists a station handover only at its station and a line handover at every station of the line', () => {
    const log = handoverLog([stationHo, lineHo]);
    expect(openHandovers(log, lathe, t0 + 60_000).map((h) => h.id)).toEqual([lineHo.id, stationHo.id]);
    expect(openHandovers(log, wash, t0 + 60_000).map((h) => h.id)).toEqual([lineHo.id]);
  });

  it('closes a handover at the station where it was acknowledged, keeping who and when', () => {
    const ack = ben.at(t0 + 120_000, { type: 'handover.ack', handoverId: lineHo.id });
    const again = ben.at(t0 + 130_000, { type: 'handover.ack', handoverId: lineHo.id });
    const log = handoverLog([stationHo, lineHo, ack, again]);
    expect(log.find((h) => h.id === lineHo.id)?.acks).toEqual([{ id: ack.id, author: 'ben', stationId: 'lathe', ts: t0 + 120_000 }]);
    expect(openHandovers(log, lathe, t0 + 200_000).map((h) => h.id)).toEqual([stationHo.id]);
    // The wash station has not read the line's handover yet.
    expect(openHandovers(log, wash, t0 + 200_000).map((h) => h.id)).toEqual([lineHo.id]);
    const washAck = carl.at(t0 + 300_000, { type: 'handover.ack', handoverId: lineHo.id });
    expect(handoverLog([lineHo, ack, washAck]).at(0)?.acks.map((a) => a.author)).toEqual(['ben', 'carl']);
  });

  it('drops voided handovers and stops showing old ones', () => {
    const undo = anna.at(t0 + 5000, { type: 'void', voids: stationHo.id, reason: 'typo' });
    expect(handoverLog([stationHo, undo])).toEqual([]);
    expect(openHandovers(handoverLog([stationHo]), lathe, t0 + HANDOVER_OPEN_MS + 1)).toEqual([]);
  });
});
