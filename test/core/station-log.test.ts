import { describe, expect, it } from 'vitest';
import { stationLog } from '../../src/core/station-log.ts';
import { eventFixture } from '../helpers/event-fixture.ts';

const t0 = Date.UTC(2026, 11, 4, 13, 50);
const lathe = { id: 'lathe', lineId: 'l1' };
const wash = { id: 'wash', lineId: 'l1' };
const anna = eventFixture({ deviceId: 'tab-1', author: 'anna', lineId: 'l1', stationId: 'lathe' });
const carl = eventFixture({ deviceId: 'tab-3', author: 'carl', lineId: 'l1', stationId: 'wash' });
const lead = eventFixture({ deviceId: 'dash-1', author: 'lead', lineId: 'l1', stationId: 'lathe' });

describe('a station log: notes, handovers and acks in one fold', () => {
  const note = anna.at(t0, { type: 'note', text: 'coolant topped up' });
  const washNote = carl.at(t0 + 500, { type: 'note', text: 'wash filter' });
  const stationHo = anna.at(t0 + 1000, { type: 'handover', scope: 'station', topics: ['material'], text: 'bar stock low' });
  const lineHo = lead.at(t0 + 2000, { type: 'handover', scope: 'line', topics: ['quality'], text: 'check burrs' });

  it('lists the station its own notes and its own and its line handovers, newest first', () => {
    const log = stationLog([note, washNote, stationHo, lineHo], lathe, t0);
    expect(log.notes.map((n) => n.text)).toEqual(['coolant topped up']);
    expect(log.handovers.map((h) => h.id)).toEqual([lineHo.id, stationHo.id]);
    const atWash = stationLog([note, washNote, stationHo, lineHo], wash, t0);
    expect(atWash.notes.map((n) => n.text)).toEqual(['wash filter']);
    expect(atWash.handovers.map((h) => h.id)).toEqual([lineHo.id]);
  });

  it('keeps an undone note marked with its void, and drops a voided handover', () => {
    const undoNote = anna.at(t0 + 3000, { type: 'void', voids: note.id, reason: 'typo' });
    const undoHo = anna.at(t0 + 3000, { type: 'void', voids: stationHo.id, reason: 'wrong station' });
    const log = stationLog([note, stationHo, lineHo, undoNote, undoHo], lathe, t0);
    expect(log.notes).toMatchObject([{ id: note.id, voidedBy: undoNote.id }]);
    expect(log.handovers.map((h) => h.id)).toEqual([lineHo.id]);
  });

  it('shows who acknowledged a line handover at every station, once per station', () => {
    const ack = carl.at(t0 + 4000, { type: 'handover.ack', handoverId: lineHo.id });
    const again = carl.at(t0 + 5000, { type: 'handover.ack', handoverId: lineHo.id });
    const log = stationLog([lineHo, ack, again], lathe, t0);
    expect(log.handovers[0]?.acks).toMatchObject([{ author: 'carl', stationId: 'wash' }]);
  });

  it('leaves out entries before `since` and counts an event seen twice once', () => {
    const log = stationLog([note, note, lineHo, lineHo], lathe, t0 + 1);
    expect(log.notes).toEqual([]);
    expect(log.handovers).toHaveLength(1);
  });
});
