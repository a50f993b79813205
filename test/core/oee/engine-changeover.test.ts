import { describe, expect, it } from 'vitest';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { reasonLosses } from '../../../src/core/oee/query.schema.ts';
import { stopsByLine } from '../../../src/core/oee-stops/stop-detail.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import { EventMaker, H, MIN, MONDAY, makePlant } from './fixtures.ts';

const plant = makePlant(); // small-stop threshold 120 s
const at = (h: number, m = 0) => MONDAY + h * H + m * MIN;
const lineOf = (events: FloorEvent[]) => computeOee(plant, events, { from: at(6), to: at(14), now: at(14), by: 'window', lineIds: ['l1'] }).lines[0]!.total;
const stopsOf = (events: FloorEvent[]) => stopsByLine([plant.areas[0]!.lines[0]!], events, at(14), reasonLosses(plant))[0]!;

describe('changeovers (ADR 0008)', () => {
  it('books a changeover shorter than the small-stop threshold to setup, not to a minor stop', () => {
    const m = new EventMaker();
    const events = [m.ev(at(7), { type: 'changeover.start', toProductId: 'p2' }), m.ev(at(7, 1), { type: 'changeover.end', productId: 'p2' })];
    const f = lineOf(events);
    expect(f.lossMs.setup).toBe(MIN);
    expect(f.lossMs['minor-stop']).toBe(0);
    expect(f.minorStopCount).toBe(0);
    expect(stopsOf(events).stops.map((s) => s.loss)).toEqual(['setup']);
  });

  it('nests a stop that starts during a changeover: its time is a breakdown, the changeover resumes after it', () => {
    const m = new EventMaker();
    const [s, e] = m.stop(at(7, 10), at(7, 30), { reasonId: 'jam' });
    const events = [m.ev(at(7), { type: 'changeover.start', toProductId: 'p2' }), s, e, m.ev(at(8), { type: 'changeover.end', productId: 'p2' })];
    const f = lineOf(events);
    expect(f.lossMs.breakdown).toBe(20 * MIN);
    expect(f.lossMs.setup).toBe(40 * MIN);
    expect(f.stopMs).toBe(60 * MIN);
    const { stops, segments } = stopsOf(events);
    expect(segments.map((g) => [(g.start - at(7)) / MIN, (g.end - at(7)) / MIN, stops[g.stop]!.loss])).toEqual([
      [0, 10, 'setup'],
      [10, 30, 'breakdown'],
      [30, 60, 'setup'],
    ]);
  });

  it('lets a changeover started at one station be ended at another', () => {
    const m = new EventMaker();
    const events = [m.ev(at(7), { type: 'changeover.start', toProductId: 'p2' }, { deviceId: 'tab-a' }), m.ev(at(7, 20), { type: 'changeover.end', productId: 'p2' }, { deviceId: 'tab-b' })];
    expect(lineOf(events).lossMs.setup).toBe(20 * MIN);
  });
});
