import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { FloorboardError } from '../core/index.ts';
import { currentPlantSchema, plantAppliedSchema, plantPreviewSchema, plantVersionsSchema } from '../core/contracts/plant-config.ts';
import { parsePlantText } from '../server/plant-file.ts';
import { ADMIN_REQUIRED, adminArgs, adminClient, adminFlags, subcommandOf } from './admin-client.ts';
import { parseFlags } from './args.ts';
import { EXIT, type CliIo } from './command.ts';
import { PLANT_USAGE } from './plant-usage.ts';

const flags = { ...adminFlags, out: { type: 'string' }, reason: { type: 'string' }, 'dry-run': { type: 'boolean' } } as const;
const argsSchema = z.object({
  ...adminArgs,
  out: z.string().min(1, 'must not be empty').optional(),
  reason: z.string().trim().min(1, 'say why: it is kept with the version').max(2000).optional(),
  'dry-run': z.boolean().default(false),
});

const subcommands = ['export', 'apply', 'versions'] as const;

/** `floorboard plant export|apply|versions`: the plant configuration as code, against a running service. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const picked = subcommandOf(argv, subcommands, PLANT_USAGE, 'plant', io);
  if (typeof picked === 'number') return picked;
  const { sub, rest } = picked;
  // apply takes the file as its first argument.
  const file = sub === 'apply' && rest[0] !== undefined && !rest[0].startsWith('-') ? rest.shift() : undefined;
  const args = parseFlags(rest, flags, argsSchema, { ...ADMIN_REQUIRED, ...(sub === 'apply' ? { reason: 'TEXT' } : {}) });
  if (args.help) {
    io.out(PLANT_USAGE);
    return EXIT.ok;
  }
  if (sub === 'apply' && file === undefined) throw new FloorboardError('invalid-arguments', 'bad arguments', { details: ['FILE: name the plant file to apply: floorboard plant apply plant.yaml ...'] });
  // The file is checked here first: its problems name their lines, which the service cannot know.
  const plant = file !== undefined ? parsePlantText(await readText(resolve(io.cwd, file)), file) : null;
  const admin = await adminClient(args, io);

  if (sub === 'export') {
    const { version, plant: current } = await admin.call('/api/admin/plant', currentPlantSchema);
    const text = `# Plant configuration version ${version}, exported by floorboard plant export\n${stringify(current)}`;
    if (args.out) await writeFile(resolve(io.cwd, args.out), text);
    else io.out(text);
    if (args.out) io.err(`floorboard: wrote plant version ${version} to ${args.out}\n`);
    return EXIT.ok;
  }
  if (sub === 'versions') {
    const { versions } = await admin.call('/api/admin/plant/versions', plantVersionsSchema);
    for (const v of versions) {
      io.out(`version ${v.version}  ${new Date(v.createdAt).toISOString()}  ${v.author}  ${v.reason}\n`);
      for (const line of v.diff) io.out(`    ${line}\n`);
    }
    return EXIT.ok;
  }
  const preview = await admin.call('/api/admin/plant/preview', plantPreviewSchema, { method: 'POST', body: { plant } });
  if (preview.problems.length) throw new FloorboardError('invalid-plant', `the service refuses ${file}`, { details: preview.problems });
  if (preview.diff.length === 0) {
    io.out(`No changes: version ${preview.baseVersion} already says the same.\n`);
    return EXIT.ok;
  }
  io.out(`Changes from version ${preview.baseVersion}:\n${preview.diff.map((l) => `  ${l}\n`).join('')}`);
  if (args['dry-run']) {
    io.out('Dry run: nothing applied.\n');
    return EXIT.ok;
  }
  // Applied on top of the version previewed: a change made meanwhile refuses this one (409) instead of being undone.
  const applied = await admin.call('/api/admin/plant', plantAppliedSchema, { method: 'PUT', body: { plant, reason: args.reason, baseVersion: preview.baseVersion } });
  io.out(applied.isApplied ? `Applied as version ${applied.version}.\n` : `No changes: version ${applied.version} already says the same.\n`);
  return EXIT.ok;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new FloorboardError('invalid-plant', `cannot read plant file ${path}: ${(error as Error).message}`, { cause: error });
  }
}
