import { describe, expect, it } from 'vitest';
import { plantSchema, type PlantInput } from '../../../src/core/index.ts';
import { MachineModel, type MachineProfile } from '../../../src/core/sim/machine-model.ts';
import { WorkTime } from '../../../src/core/sim/work-time.ts';
import { prng } from '../../../src/core/sim/year-generator.ts';

/** Two shifts a day, 06:00-22:00 UTC, with a lunch break. */
const plant = plantSchema.parse({
  schemaVersion: 1,
  site: { id: 's', name: 'S' },
  calendar: {
    timezone: 'UTC',
    shifts: [
      { id: 'early', name: 'Early', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '06:00', end: '14:00', breaks: [{ name: 'Lunch', start: '10:00', end: '10:30' }] },
      { id: 'late', name: 'Late', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '14:00', end: '22:00' },
    ],
  },
  products: [{ id: 'widget', name: 'W' }, { id: 'gadget', name: 'G' }],
  areas: [{ id: 'a', name: 'A', lines: [{ id: 'l', name: 'L', stations: [{ id: 'st', name: 'St' }], products: [{ productId: 'widget', idealCycleTimeSec: 2 }, { productId: 'gadget', idealCycleTimeSec: 3 }] }] }],
  reasons: [{ id: 'breakdown', label: 'Breakdown', loss: 'breakdown' }],
} satisfies PlantInput);

const profile: MachineProfile = {
  products: [{ productId: 'widget', idealCycleTimeSec: 2 }, { productId: 'gadget', idealCycleTimeSec: 3 }],
  minorStopsPerHour: 4,
  minorStopSec: [20, 100],
  faults: [{ reasonId: 'breakdown', perHour: 0.5, minutes: [5, 20] }],
  changeoverEveryHours: [3, 5],
  changeoverMinutes: [10, 25],
  speed: [0.85, 0.95],
  rejectRate: 0.015,
  startupRejectRate: 0.06,
  startupMs: 600_000,
};
/** Monday 2026-01-05 00:00 UTC. */
const MONDAY = Date.UTC(2026, 0, 5);

function day(seed: number, stepMs: number) {
  const m = new MachineModel(profile, prng(seed), new WorkTime(plant.calendar), MONDAY);
  const changes = [];
  for (let t = MONDAY + stepMs; t <= MONDAY + 86_400_000; t += stepMs) changes.push(...m.advance(t));
  return { changes, total: m.total, rejectTotal: m.rejectTotal };
}

describe('the demo machine model', () => {
  it('is deterministic for a seed, whatever the step it is advanced by', () => {
    const a = day(7, 5000);
    expect(day(7, 5000)).toEqual(a);
    expect(day(8, 5000)).not.toEqual(a);
    // Same stops at the same instants in 5 s steps as in 40 s steps (the live simulator and the backfill).
    expect(day(7, 40_000).changes.map((c) => [c.ts, c.state])).toEqual(a.changes.map((c) => [c.ts, c.state]));
  });

  it('runs in shifts only, with minor stops, faults, changeovers and a realistic rate', () => {
    const { changes, total, rejectTotal } = day(42, 5000);
    const at = (h: number, m = 0) => MONDAY + (h * 60 + m) * 60_000;
    // Idle before the early shift, in the lunch break and after the late shift.
    expect(changes[0]).toMatchObject({ ts: at(6), state: 'running' });
    expect(changes.find((c) => c.ts === at(10))?.state).toBe('idle');
    expect(changes.find((c) => c.ts === at(10, 30))?.state).toBe('running');
    expect(changes.at(-1)).toMatchObject({ ts: at(22), state: 'idle' });
    expect(changes.every((c) => c.state === 'idle' || (c.ts >= at(6) && c.ts < at(22)))).toBe(true);
    const states = changes.map((c) => c.state);
    expect(states.filter((s) => s === 'stopped').length).toBeGreaterThan(20);
    expect(states).toContain('fault');
    const changeovers = changes.filter((c) => c.isChangeover);
    expect(changeovers.length).toBeGreaterThanOrEqual(2);
    expect(new Set(changeovers.map((c) => c.productId)).size).toBe(2);
    // 15.5 working hours at 2-3 s a part: below the ideal rate, well above nothing.
    expect(total).toBeLessThan((15.5 * 3600) / 2);
    expect(total).toBeGreaterThan((15.5 * 3600) / 3 / 2);
    expect(rejectTotal / total).toBeGreaterThan(0.005);
    expect(rejectTotal / total).toBeLessThan(0.05);
  });
});
