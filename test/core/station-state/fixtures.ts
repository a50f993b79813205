import { plantSchema, type Plant, type PlantInput } from '../../../src/core/plant.schema.ts';

/** A plant whose line l1 has two stations (s1 has the machine) and a 06:00-14:00 shift every day, UTC. */
export function twoStationPlant(over: { monitoredFrom?: string; heartbeatTimeoutSec?: number } = {}): Plant {
  return plantSchema.parse({
    schemaVersion: 1,
    site: { id: 'site', name: 'Site' },
    calendar: { timezone: 'UTC', shifts: [{ id: 'early', name: 'Early', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '06:00', end: '14:00' }], exceptions: [] },
    products: [
      { id: 'p1', name: 'P1' },
      { id: 'p2', name: 'P2' },
    ],
    areas: [
      {
        id: 'a1',
        name: 'A1',
        lines: [
          {
            id: 'l1',
            name: 'L1',
            stations: [
              { id: 's1', name: 'S1' },
              { id: 's2', name: 'S2' },
            ],
            products: [
              { productId: 'p1', idealCycleTimeSec: 1 },
              { productId: 'p2', idealCycleTimeSec: 2 },
            ],
            machineStationId: 's1',
            ...over,
          },
        ],
      },
    ],
    reasons: [
      { id: 'mech', label: 'Mechanical', loss: 'breakdown' },
      { id: 'setup', label: 'Setup', loss: 'setup' },
      { id: 'planned', label: 'Planned', loss: 'planned' },
    ],
  } satisfies PlantInput);
}
