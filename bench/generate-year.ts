import { plantSchema, weekdays, type Plant, type PlantInput } from '../src/core/plant.schema.ts';
import type { FloorEvent } from '../src/core/events.schema.ts';
import { lineHistory } from '../src/core/sim/year-generator.ts';

export const DAY_MS = 86_400_000;
/** 2025-01-01 00:00 in Europe/Berlin. */
export const YEAR_START = Date.UTC(2024, 11, 31, 23);

/** The benchmark plant: `lines` lines in areas of ten, three 8 h shifts every day with 30 min breaks. */
export function benchPlant(lines = 50): Plant {
  const shift = (id: string, start: string, end: string, breakStart: string, breakEnd: string) => ({
    id,
    name: id,
    days: [...weekdays],
    start,
    end,
    breaks: [{ name: 'break', start: breakStart, end: breakEnd }],
  });
  const areas: PlantInput['areas'] = [];
  for (let a = 0; a * 10 < lines; a++) {
    const ls = [];
    for (let l = a * 10; l < Math.min(lines, a * 10 + 10); l++)
      ls.push({
        id: `line-${l}`,
        name: `Line ${l}`,
        stations: [{ id: `st-${l}`, name: `Station ${l}` }],
        products: [
          { productId: 'p-a', idealCycleTimeSec: 1 },
          { productId: 'p-b', idealCycleTimeSec: 1.2 },
          { productId: 'p-c', idealCycleTimeSec: 0.9 },
        ],
      });
    areas.push({ id: `area-${a}`, name: `Area ${a}`, lines: ls });
  }
  return plantSchema.parse({
    schemaVersion: 1,
    site: { id: 'bench', name: 'Bench' },
    calendar: {
      timezone: 'Europe/Berlin',
      shifts: [shift('early', '06:00', '14:00', '10:00', '10:30'), shift('late', '14:00', '22:00', '18:00', '18:30'), shift('night', '22:00', '06:00', '02:00', '02:30')],
    },
    products: ['p-a', 'p-b', 'p-c'].map((id) => ({ id, name: id })),
    areas,
    reasons: [
      { id: 'mechanical', label: 'Mechanical', loss: 'breakdown', children: [{ id: 'jam', label: 'Jam', loss: 'breakdown' }, { id: 'tooling', label: 'Tooling', loss: 'breakdown' }] },
      { id: 'material', label: 'Material', loss: 'setup' },
      { id: 'quality-check', label: 'Quality check', loss: 'breakdown' },
      { id: 'cleaning', label: 'Cleaning', loss: 'planned' },
      { id: 'changeover', label: 'Changeover', loss: 'setup' },
      { id: 'other', label: 'Other', loss: 'breakdown' },
    ],
  } satisfies PlantInput);
}

/** One line's history for `days` days from YEAR_START, as one array in event order. */
export function lineYear(plant: Plant, lineNo: number, days = 365, seed = 42): FloorEvent[] {
  const line = plant.areas.flatMap((a) => a.lines)[lineNo];
  if (!line) throw new Error(`no line ${lineNo}`);
  const out: FloorEvent[] = [];
  for (const day of lineHistory({ line, lineNo, from: YEAR_START, days, seed })) for (const e of day) out.push(e);
  return out;
}
