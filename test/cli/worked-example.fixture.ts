/**
 * The docs/oee.md worked example (oee.com) as files: a 480-min early shift with 2 x 15 + 30 min
 * breaks, a 47-min breakdown, ideal cycle time 1 s, 19,271 parts of which 423 rejects, on line l1.
 * Line l2 (another area) differs in planned time, so a roll-up by averaging would show.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FloorEvent, PlantInput } from '../../src/core/index.ts';
import { eventFixture, writeNdjson } from '../helpers/event-fixture.ts';

/** Monday 2 March 2026 in Berlin (UTC+1): local hh:mm to epoch ms. */
export const at = (hh: number, mm = 0) => Date.UTC(2026, 2, 2, hh - 1, mm);

const MONITORED_FROM = '2026-03-02T06:00:00+01:00';

export const workedExamplePlant: PlantInput = {
  schemaVersion: 1,
  site: { id: 'site', name: 'Site' },
  calendar: {
    timezone: 'Europe/Berlin',
    shifts: [{
      id: 'early', name: 'Early', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '06:00', end: '14:00',
      breaks: [{ name: 'Break 1', start: '09:00', end: '09:15' }, { name: 'Lunch', start: '11:30', end: '12:00' }, { name: 'Break 2', start: '12:45', end: '13:00' }],
    }],
  },
  products: [{ id: 'p1', name: 'Part 1' }],
  areas: [
    // Both lines are watched from the shift start (ADR 0009), though their first entries come later.
    { id: 'a1', name: 'Area 1', lines: [{ id: 'l1', name: 'Line 1', stations: [{ id: 's1', name: 'S1' }], products: [{ productId: 'p1', idealCycleTimeSec: 1 }], monitoredFrom: MONITORED_FROM }] },
    { id: 'a2', name: 'Area 2', lines: [{ id: 'l2', name: 'Line 2', stations: [{ id: 's2', name: 'S2' }], products: [{ productId: 'p1', idealCycleTimeSec: 2 }], monitoredFrom: MONITORED_FROM }] },
  ],
  reasons: [
    { id: 'breakdown', label: 'Breakdown', loss: 'breakdown', children: [{ id: 'mech', label: 'Mechanical', loss: 'breakdown' }] },
    { id: 'planned', label: 'Planned', loss: 'planned', children: [{ id: 'maintenance', label: 'Maintenance', loss: 'planned' }] },
  ],
};

export function workedExampleEvents(): FloorEvent[] {
  const l1 = eventFixture({ deviceId: 'tab-1', author: 'op-1', lineId: 'l1', stationId: 's1' });
  const l2 = eventFixture({ deviceId: 'tab-2', author: 'op-2', lineId: 'l2', stationId: 's2' });
  const count = (f: typeof l1, ts: number, good: number, reject: number) => f.at(ts, { type: 'count', productId: 'p1', good, reject });
  return [
    ...l1.stop(at(7), at(7, 47), 'mech'),
    count(l1, at(8), 5000, 100),
    count(l1, at(10), 5000, 100),
    count(l1, at(12, 30), 5000, 100),
    count(l1, at(13, 59), 3848, 123),
    // l2: one hour of planned maintenance (not planned time), 10,000 good at 2 s: A 100 %, P = Q-free 92.59 %.
    ...l2.stop(at(6), at(7), 'maintenance'),
    count(l2, at(10), 6000, 0),
    count(l2, at(13, 30), 4000, 0),
  ];
}

/** Writes plant.json and events.ndjson into `dir`, with `extraLines` appended to the events. */
export async function writeWorkedExample(dir: string, extraLines: string[] = []): Promise<{ plant: string; events: string }> {
  const plant = join(dir, 'plant.json');
  const events = join(dir, 'events.ndjson');
  await writeFile(plant, JSON.stringify(workedExamplePlant, null, 2));
  await writeNdjson(events, [...workedExampleEvents(), ...extraLines]);
  return { plant, events };
}
