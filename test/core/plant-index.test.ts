import { describe, expect, it } from 'vitest';
import { plantSchema, type PlantInput } from '../../src/core/index.ts';
import { machineStationOf } from '../../src/core/plant-index.ts';

const plantWith = (machineStationId?: string) =>
  plantSchema.parse({
    schemaVersion: 1,
    site: { id: 's', name: 'S' },
    calendar: { timezone: 'UTC', shifts: [{ id: 'day', name: 'Day', days: ['mon'], start: '06:00', end: '14:00' }] },
    products: [{ id: 'p', name: 'P' }],
    areas: [{ id: 'a', name: 'A', lines: [{ id: 'l', name: 'L', stations: [{ id: 'lathe', name: 'Lathe' }, { id: 'wash', name: 'Wash' }], products: [{ productId: 'p', idealCycleTimeSec: 1 }], ...(machineStationId ? { machineStationId } : {}) }] }],
    reasons: [{ id: 'r', label: 'R', loss: 'breakdown' }],
  } satisfies PlantInput).areas[0]!.lines[0]!;

describe('machineStationOf', () => {
  it("is the station the plant file names as the line's machine station", () => {
    expect(machineStationOf(plantWith('wash')).id).toBe('wash');
  });
  it('is the first station when the plant file names none', () => {
    expect(machineStationOf(plantWith()).id).toBe('lathe');
  });
});
