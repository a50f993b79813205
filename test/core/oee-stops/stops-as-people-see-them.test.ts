import { describe, expect, it } from 'vitest';
import { stateBands, stateTotals, type TimelineSegment } from '../../../src/core/charts/timeline.ts';
import { auditChangeText, type AuditWords } from '../../../src/core/oee-stops/audit-text.ts';
import { auditKinds, auditTrail } from '../../../src/core/oee-stops/audit-trail.ts';
import { stopsByLine } from '../../../src/core/oee-stops/stop-detail.ts';
import { shiftInstances } from '../../../src/core/oee/calendar.ts';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { reasonLosses } from '../../../src/core/oee/query.schema.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { buildShiftReport } from '../../../src/core/report/shift-report.ts';
import { isAwaitingReason } from '../../../src/core/station-state/awaiting.ts';
import { foldStationStates } from '../../../src/core/station-state/index.ts';
import { EventMaker, H, MIN, MONDAY, id, makePlant } from '../oee/fixtures.ts';

const T0 = MONDAY + 6 * H;
// 06:00-14:00 with a break 09:00-09:30.
const plant = makePlant({ shifts: [{ id: 'early', name: 'Early', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '06:00', end: '14:00', breaks: [{ name: 'Lunch', start: '09:00', end: '09:30' }] }] });
const losses = reasonLosses(plant);
const l1 = indexPlant(plant).lines.get('l1')!;
const shift = shiftInstances(plant.calendar, T0, T0 + 8 * H)[0]!;
const machine = { deviceId: 'gw' };

describe('a stop that ended within a second (shown as 0 s)', () => {
  const m = new EventMaker();
  const events = [
    m.ev(T0, { type: 'machine.state', state: 'running' }, machine),
    // The machine's state flickered: fault and running again 400 ms later.
    m.ev(T0 + H, { type: 'machine.state', state: 'fault' }, machine),
    m.ev(T0 + H + 400, { type: 'machine.state', state: 'running' }, machine),
    m.ev(T0 + 2 * H, { type: 'machine.state', state: 'fault' }, machine),
    m.ev(T0 + 2 * H + 1000, { type: 'machine.state', state: 'running' }, machine),
  ];
  const [flicker, oneSecond] = [events[1]!.id, events[3]!.id];

  it('is listed but asks nobody why (a flicker nobody can explain), while a one-second stop still does', () => {
    const stops = stopsByLine([l1.line], events, T0 + 3 * H, losses, plant.calendar)[0]!.stops;
    const byId = new Map(stops.map((s) => [s.id, s]));
    expect(byId.get(flicker)).toMatchObject({ start: T0 + H, end: T0 + H + 400, isOpen: false });
    expect(isAwaitingReason(byId.get(flicker)!)).toBe(false);
    expect(isAwaitingReason(byId.get(oneSecond)!)).toBe(true);
    const { line, stations } = foldStationStates(plant, l1, events, T0 + 3 * H);
    expect(stations[0]!.awaiting.map((s) => s.stopId)).toEqual([oneSecond]);
    expect(line.awaitingCount).toBe(1);
  });

  it('a stop still open awaits its reason from its first moment', () => {
    const open = stopsByLine([l1.line], events.slice(0, 4), T0 + 2 * H + 300, losses, plant.calendar)[0]!.stops.find((s) => s.id === oneSecond)!;
    expect(open).toMatchObject({ isOpen: true, start: T0 + 2 * H, end: T0 + 2 * H + 300 });
    expect(isAwaitingReason(open)).toBe(true);
  });
});

describe('a stop still open in the next day, outside any shift (the tablet and the stop list agree)', () => {
  const m = new EventMaker();
  const evening = [m.ev(T0, { type: 'machine.state', state: 'running' }, machine), m.ev(T0 + 14 * H, { type: 'machine.state', state: 'idle' }, machine)];
  const inShift = [m.ev(T0, { type: 'machine.state', state: 'running' }, machine), m.ev(T0 + 7 * H, { type: 'machine.state', state: 'fault' }, machine)];
  const night = T0 + 21 * H; // 03:00 the next day: no shift.

  it('stopped after the shift ended: no reason asked at night, as the stop list says', () => {
    const { line, stations } = foldStationStates(plant, l1, evening, night);
    expect(stations[0]!.stop).toMatchObject({ stopId: evening[1]!.id, isOffShift: true });
    expect(line).toMatchObject({ state: 'not-scheduled', isAwaitingReason: false, isOffShift: true });
    expect(stopsByLine([l1.line], evening, night, losses, plant.calendar)[0]!.stops.find((s) => s.id === evening[1]!.id)).toMatchObject({ isOffShift: true });
  });

  it('stopped in the shift and never restarted: still needs its reason at night', () => {
    const { line, stations } = foldStationStates(plant, l1, inShift, night);
    expect(stations[0]!.stop?.isOffShift).toBeUndefined();
    expect(line.isAwaitingReason).toBe(true);
  });
});

describe('a machine stopped over a planned break', () => {
  const m = new EventMaker();
  const events = [
    m.ev(T0, { type: 'machine.state', state: 'running' }, machine),
    // Stopped for the whole break: no loss, no reason needed.
    m.ev(T0 + 3 * H + 1 * MIN, { type: 'machine.state', state: 'idle' }, machine),
    m.ev(T0 + 3 * H + 29 * MIN, { type: 'machine.state', state: 'running' }, machine),
    // Stopped 10 minutes before the break until 5 after it: a loss of 15 minutes that needs a reason.
    m.ev(T0 + 5 * H, { type: 'machine.state', state: 'fault' }, machine),
    m.ev(T0 + 5 * H + 10 * MIN, { type: 'machine.state', state: 'running' }, machine),
  ];
  const breakStop = events[1]!.id;
  const realStop = events[3]!.id;
  const now = T0 + 6 * H;

  it('needs no reason, on the stop list and in the live status, while a real stop still does', () => {
    const stops = stopsByLine([l1.line], events, now, losses, plant.calendar)[0]!.stops;
    const byId = new Map(stops.map((s) => [s.id, s]));
    expect(byId.get(breakStop)).toMatchObject({ isOffShift: true });
    expect(isAwaitingReason(byId.get(breakStop)!)).toBe(false);
    expect(isAwaitingReason(byId.get(realStop)!)).toBe(true);
    const { line, stations } = foldStationStates(plant, l1, events, now);
    expect(stations[0]!.awaiting.map((s) => s.stopId)).toEqual([realStop]);
    expect(line.awaitingCount).toBe(1);
  });

  it('while it lasts, the tablet and the line are told it is in a break, and nobody is asked why', () => {
    const during = events.slice(0, 2);
    const { line, stations } = foldStationStates(plant, l1, during, T0 + 3 * H + 10 * MIN);
    expect(stations[0]!.stop).toMatchObject({ stopId: breakStop, isOffShift: true });
    expect(stations[0]!.awaiting).toEqual([]);
    expect(line).toMatchObject({ state: 'stopped', isAwaitingReason: false, isOffShift: true });
    // Still stopped after the break: now it is a loss, and its reason is asked for.
    const after = foldStationStates(plant, l1, during, T0 + 3 * H + 40 * MIN);
    expect(after.stations[0]!.stop?.isOffShift).toBeUndefined();
    expect(after.line.isAwaitingReason).toBe(true);
  });

  it('is a break on the timeline, not a stop: the stopped time there matches the engine', () => {
    const stops = stopsByLine([l1.line], events, now, losses, plant.calendar)[0]!;
    const segments: TimelineSegment[] = [];
    let cursor = T0;
    for (const seg of stops.segments) {
      if (seg.start > cursor) segments.push({ start: cursor, end: seg.start, state: 'running', stopId: null, reasonId: null, loss: null });
      const s = stops.stops[seg.stop]!;
      segments.push({ start: seg.start, end: Math.min(seg.end, now), state: 'stopped', stopId: s.id, reasonId: s.reasonId, loss: s.loss });
      cursor = Math.min(seg.end, now);
    }
    segments.push({ start: cursor, end: now, state: 'running', stopId: null, reasonId: null, loss: null });
    const totals = stateTotals(stateBands(segments, [shift], T0, now));
    const oee = computeOee(plant, events, { from: T0, to: T0 + 8 * H, now, by: 'window', lineIds: ['l1'] }).lines[0]!.total;
    expect(totals.stopped).toBe(10 * MIN);
    expect(oee.stopMs).toBe(10 * MIN);
    expect(totals.planned).toBe(30 * MIN);
  });

  it('is left out of the shift report, which lists the real stop', () => {
    const report = buildShiftReport({ plant, events, lineId: 'l1', shift, now });
    expect(report.stops.map((s) => s.id)).toEqual([realStop]);
  });
});

describe('one changeover, however many signals say so', () => {
  it('lists a machine setup at the instant of the operator changeover once, as the changeover with its product', () => {
    const m = new EventMaker();
    const t = T0 + H;
    const co = m.ev(t, { type: 'changeover.start', toProductId: 'p2' });
    const events = [
      m.ev(T0, { type: 'machine.state', state: 'running' }, machine),
      co,
      m.ev(t, { type: 'machine.state', state: 'setup' }, machine),
      m.ev(t + 20 * MIN, { type: 'machine.state', state: 'running' }, machine),
      m.ev(t + 24 * MIN, { type: 'changeover.end', productId: 'p2' }),
    ];
    // The demo's gateway books its setup state to a setup reason: still the same changeover.
    events.push(m.ev(t + MIN, { type: 'stop.classify', stopId: events[2]!.id, reasonId: 'setup' }));
    const now = T0 + 2 * H;
    const report = buildShiftReport({ plant, events, lineId: 'l1', shift, now });
    expect(report.changeovers).toEqual([expect.objectContaining({ id: co.id, toProductId: 'p2', durationMs: 24 * MIN })]);
    expect(report.stops.map((s) => s.id)).toEqual([co.id]);
    // Counted once, as before.
    expect(report.figures.lossMs.setup).toBe(24 * MIN);
  });

  it('shows the open changeover with its product on the live status, even when the machine switched a minute before', () => {
    const m = new EventMaker();
    const t = T0 + H;
    const events = [
      m.ev(T0, { type: 'machine.state', state: 'running' }, machine),
      m.ev(t - MIN, { type: 'machine.state', state: 'setup' }, machine),
      m.ev(t, { type: 'changeover.start', toProductId: 'p2' }),
    ];
    const { line } = foldStationStates(plant, l1, events, t + 5 * MIN);
    expect(line.state).toBe('changeover');
    expect(line.changeover).toMatchObject({ toProductId: 'p2', changeoverId: events[2]!.id });
    const stops = stopsByLine([l1.line], events, t + 5 * MIN, losses)[0]!.stops;
    expect(stops.find((s) => s.id === events[1]!.id)?.partOf).toBe(events[2]!.id);
    // The same instant: the machine's setup sorts after the changeover, and must not stand for it.
    const m2 = new EventMaker();
    const same = [m2.ev(T0, { type: 'machine.state', state: 'running' }, machine), m2.ev(t, { type: 'changeover.start', toProductId: 'p2' }), m2.ev(t, { type: 'machine.state', state: 'setup' }, machine)];
    expect(foldStationStates(plant, l1, same, t + 5 * MIN).line.changeover).toMatchObject({ toProductId: 'p2', changeoverId: same[1]!.id });
  });

  it('lists the changeover as long as the setup time counted, when the machine switched before it and back after it', () => {
    const m = new EventMaker();
    const t = T0 + H;
    const co = m.ev(t, { type: 'changeover.start', toProductId: 'p2' });
    const events = [
      m.ev(T0, { type: 'machine.state', state: 'running' }, machine),
      m.ev(t - 2 * MIN, { type: 'machine.state', state: 'setup' }, machine),
      co,
      m.ev(t + 20 * MIN, { type: 'changeover.end', productId: 'p2' }),
      m.ev(t + 22 * MIN, { type: 'machine.state', state: 'running' }, machine),
    ];
    const report = buildShiftReport({ plant, events, lineId: 'l1', shift, now: T0 + 2 * H });
    expect(report.changeovers).toEqual([expect.objectContaining({ id: co.id, durationMs: 24 * MIN, toProductId: 'p2' })]);
    expect(report.figures.lossMs.setup).toBe(24 * MIN);
  });

  it('still shows a changeover while the machine stays in setup after the operator ended it', () => {
    const m = new EventMaker();
    const t = T0 + H;
    const events = [
      m.ev(T0, { type: 'machine.state', state: 'running' }, machine),
      m.ev(t, { type: 'changeover.start', toProductId: 'p2' }),
      m.ev(t + MIN, { type: 'machine.state', state: 'setup' }, machine),
      m.ev(t + 20 * MIN, { type: 'changeover.end', productId: 'p2' }),
    ];
    // The machine's own setup goes on: the line is in changeover, as the engine books it, at every moment.
    for (const at of [t + 21 * MIN, t + 23 * MIN]) expect(foldStationStates(plant, l1, events, at).line.state).toBe('changeover');
  });

  it('keeps a machine setup of its own when it is far from any changeover, or when someone booked it to another loss', () => {
    const m = new EventMaker();
    const t = T0 + H;
    const early = m.ev(t - 30 * MIN, { type: 'machine.state', state: 'setup' }, machine);
    const events = [
      early,
      m.ev(t - 25 * MIN, { type: 'machine.state', state: 'running' }, machine),
      m.ev(t, { type: 'changeover.start', toProductId: 'p2' }),
      m.ev(t, { type: 'machine.state', state: 'setup' }, machine),
    ];
    const classified = events[3]!;
    events.push(m.ev(t + MIN, { type: 'stop.classify', stopId: classified.id, reasonId: 'jam' }));
    const stops = stopsByLine([l1.line], events, t + 5 * MIN, losses)[0]!.stops;
    expect(stops.find((s) => s.id === early.id)?.partOf).toBeNull();
    expect(stops.find((s) => s.id === classified.id)?.partOf).toBeNull();
  });
});

describe('the audit trail of a shift', () => {
  const words: AuditWords = {
    t: (key, p = {}) => `${key}${Object.keys(p).length ? JSON.stringify(p) : ''}`,
    reason: (r) => r.toUpperCase(),
    product: (p) => `product ${p}`,
    time: (ms) => `${(ms - MONDAY) / MIN}min`,
  };

  it('lists an operator split with its time and reason, and a void with what was taken back and when it was entered', () => {
    const m = new EventMaker();
    const [start] = m.stop(T0 + 10 * MIN, T0 + 30 * MIN, { reasonId: 'mech' });
    const count = m.count(T0 + 40 * MIN, 5, 1);
    const split = m.ev(T0 + 45 * MIN, { type: 'stop.split', stopId: start.id, at: T0 + 20 * MIN, newStopId: id(900), reasonId: 'jam' });
    const voided = m.ev(T0 + 50 * MIN, { type: 'void', voids: count.id, reason: 'entered-twice' });
    const entries = auditTrail([start, count, split, voided], T0, T0 + H, auditKinds);
    expect(entries.map((e) => e.kind)).toEqual(['split', 'void']);
    expect(auditChangeText(entries[0]!, words)).toBe(`audit.what.split${JSON.stringify({ time: `${6 * 60 + 20}min`, reason: 'JAM' })}`);
    expect(auditChangeText(entries[1]!, words)).toBe(`audit.voided-at${JSON.stringify({ what: `audit.what.count${JSON.stringify({ good: 5, reject: 1 })}`, time: `${6 * 60 + 40}min` })}`);
    // The shift report's corrections list the split too.
    const report = buildShiftReport({ plant, events: [start, count, split, voided], lineId: 'l1', shift, now: T0 + 2 * H });
    expect(report.corrections.map((c) => c.kind)).toEqual(['split', 'void']);
  });
});


describe('a stop someone may have forgotten to end while the machine makes parts', () => {
  const start = T0 + H;
  /** An operator's stop at the machine station and counter readings (total up by 10 each) at the given seconds after it. */
  function scene(readingsSec: number[]) {
    const m = new EventMaker();
    const stop = m.ev(start, { type: 'stop.start', stopId: id(500), reasonId: 'jam' });
    const events = [m.ev(start - MIN, { type: 'machine.counter', total: 0 }, machine), stop];
    let total = 0;
    for (const s of readingsSec) events.push(m.ev(start + s * 1000, { type: 'machine.counter', total: (total += 10) }, machine));
    return events;
  }
  // The live fold holds what has come in by `now`.
  const asked = (events: ReturnType<typeof scene>, now: number) => foldStationStates(plant, l1, events.filter((e) => e.ts <= now), now).stations[0]!.stop?.machineProducingSince;

  it('asks the operator once the machine has made parts for the small-stop threshold, and books the stop as it is', () => {
    const events = scene([60, 90, 120, 150, 180, 210]);
    expect(asked(events, start + 150_000)).toBeUndefined(); // 90 s of parts: not yet
    expect(asked(events, start + 211_000)).toBe(start + 60_000);
    // Nothing ends the stop but its operator: the engine still books it whole.
    const oee = computeOee(plant, events, { from: T0, to: T0 + 8 * H, now: start + 211_000, by: 'window', lineIds: ['l1'] }).lines[0]!.total;
    expect(oee.stopMs).toBe(211_000);
  });

  it('does not ask for the last parts a machine finishes after the tap, or once the parts stopped coming', () => {
    expect(asked(scene([20, 50]), start + 10 * MIN)).toBeUndefined();
    // Parts for three minutes, then none for five: the machine stopped again.
    expect(asked(scene([60, 120, 180, 240]), start + 9 * MIN)).toBeUndefined();
  });
});
