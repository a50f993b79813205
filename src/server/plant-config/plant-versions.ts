import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { describeIssues, FloorboardError, plantSchema, type Plant } from '../../core/index.ts';
import type { Storage } from '../storage/storage.ts';
import { PlantHolder } from './plant-holder.ts';

/** Author of the versions the service takes from its plant file. */
export const PLANT_FILE_AUTHOR = 'plant-file';

export const plantFileHash = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The plant the service starts on (issue 13, docs/adr/0015-plant-configuration-as-data.md):
 * - a new installation stores its plant file as version 1;
 * - after that the newest stored version runs, with what admins changed in the app or the CLI;
 * - a plant file that changed on disk since its last version came from it is applied once as a
 *   new version (configuration as code), so editing the file and restarting still works.
 */
export async function openPlantConfig(o: {
  storage: Pick<Storage, 'latestPlantVersion' | 'insertPlantVersion'>;
  filePlant: Plant;
  fileText: string;
  filePath: string;
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
}): Promise<PlantHolder> {
  const hash = plantFileHash(o.fileText);
  const name = basename(o.filePath);
  const latest = await o.storage.latestPlantVersion();
  if (!latest) {
    const seed = { version: 1, plant: JSON.stringify(o.filePlant), author: PLANT_FILE_AUTHOR, reason: `first start: taken from ${name}`, createdAt: o.now(), diff: [], sourceHash: hash };
    // Another service seeding the same database at the same moment stored the same file first: run on theirs.
    if (!(await o.storage.insertPlantVersion(seed))) return openPlantConfig(o);
    return new PlantHolder({ plant: o.filePlant, version: 1, sourceHash: hash }, o);
  }
  const parsed = plantSchema.safeParse(JSON.parse(latest.plant));
  if (!parsed.success)
    throw new FloorboardError('invalid-plant', `stored plant version ${latest.version} no longer passes the plant schema`, { details: describeIssues(parsed.error) });
  const holder = new PlantHolder({ plant: parsed.data, version: latest.version, sourceHash: latest.sourceHash }, o);
  if (latest.sourceHash !== hash) {
    const result = await holder.apply(o.filePlant, { author: PLANT_FILE_AUTHOR, reason: `${name} changed on disk`, sourceHash: hash });
    if (result.isApplied) o.log('plant file changed on disk: applied as a new version', { version: result.change.version, diff: result.change.diff });
  }
  return holder;
}
