import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURE_PLANT } from './test-service.ts';

/**
 * The test plant with a second operator at station a1: Carla (op-c, badge 1003, PIN 1234, Olga's
 * PIN hash), so two operators share a station (one tablet each, or one after the other).
 * Written to `dir`; returns the file's path.
 */
export async function writeColleaguePlant(dir: string): Promise<string> {
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { users: { id: string; pinHash?: string }[] };
  const olga = plant.users.find((u) => u.id === 'op-a')!;
  plant.users.push({ id: 'op-c', name: 'Carla C', role: 'operator', badge: '1003', pinHash: olga.pinHash, stations: ['a1'] } as (typeof plant.users)[number]);
  const path = join(dir, 'colleague.plant.json');
  await writeFile(path, JSON.stringify(plant, null, 2));
  return path;
}
