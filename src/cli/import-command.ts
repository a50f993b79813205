import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { FloorboardError, topicIdSchema, type FloorEvent } from '../core/index.ts';
import { describeIssues } from '../core/events.schema.ts';
import { importKinds } from '../core/import/import-kinds.ts';
import { importAuditNotes } from '../core/import/import-audit.ts';
import { importSheet, type RowProblem } from '../core/import/import-rows.ts';
import { importMappingSchema, PlantNames, type ImportMapping } from '../core/import/plant-names.ts';
import { compareEvents } from '../core/oee/normalize.ts';
import { loadPlantFile } from '../server/plant-file.ts';
import { parseFlags } from './args.ts';
import { EXIT, type CliIo } from './command.ts';
import { readLog } from './import-read.ts';
import { IMPORT_USAGE } from './import-usage.ts';
import { publishEvents } from './import-publish.ts';
import { readPassword, signIn } from './service-session.ts';

const argsSchema = z.object({
  help: z.boolean().default(false),
  plant: z.string().min(1, 'must not be empty').optional(),
  file: z.string().min(1, 'must not be empty').optional(),
  kind: z.enum(importKinds, { error: `must be one of ${importKinds.join(', ')}` }).optional(),
  map: z.string().min(1, 'must not be empty').optional(),
  out: z.string().min(1, 'must not be empty').optional(),
  user: z.optional(topicIdSchema),
  device: z.optional(topicIdSchema),
  publish: z.url({ protocol: /^https?$/, error: 'must be the service URL, e.g. http://localhost:8080' }).optional(),
  'password-file': z.string().min(1, 'must not be empty').optional(),
});

const flags = {
  help: { type: 'boolean', short: 'h' },
  plant: { type: 'string' },
  file: { type: 'string' },
  kind: { type: 'string' },
  map: { type: 'string' },
  out: { type: 'string' },
  user: { type: 'string' },
  device: { type: 'string' },
  publish: { type: 'string' },
  'password-file': { type: 'string' },
} as const;

async function readMapping(path: string): Promise<ImportMapping> {
  let value: unknown;
  try {
    const text = await readFile(path, 'utf8');
    value = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new FloorboardError('invalid-arguments', `cannot read mapping file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = importMappingSchema.safeParse(value ?? {});
  if (!parsed.success) throw new FloorboardError('invalid-arguments', `mapping file ${path}`, { details: describeIssues(parsed.error) });
  return parsed.data;
}

const describe = (p: RowProblem) => `${p.sheet}: row ${p.row}, column "${p.column}": ${p.why}`;

/** `floorboard import`: a paper or spreadsheet log to events, as NDJSON or published to the service. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const args = parseFlags(argv, flags, argsSchema, { plant: 'FILE', file: 'LOG' });
  if (args.help) {
    io.out(IMPORT_USAGE);
    return EXIT.ok;
  }
  if (args.publish && args.out) throw new FloorboardError('invalid-arguments', 'bad arguments', { details: ['--out: not with --publish (the events go to the service)'] });
  const plant = await loadPlantFile(resolve(io.cwd, args.plant!));
  const names = new PlantNames(plant, args.map ? await readMapping(resolve(io.cwd, args.map)) : {});
  const user = args.user ?? 'import';
  const source = { author: user, deviceId: args.device ?? (user.startsWith("import") ? user : `import-${user}`.slice(0, 64)) };
  const sheets = await readLog(resolve(io.cwd, args.file!), args.kind);
  const events: FloorEvent[] = [];
  const problems: RowProblem[] = [];
  let read = 0;
  let imported = 0;
  let repeated = 0;
  const coveredFrom = new Map<string, number>();
  for (const sheet of sheets) {
    const result = importSheet(plant, names, sheet, source);
    events.push(...result.events);
    problems.push(...result.problems);
    read += result.rowsRead;
    imported += result.rowsImported;
    repeated += result.rowsRepeated;
    for (const [line, from] of result.coveredFrom) coveredFrom.set(line, Math.min(coveredFrom.get(line) ?? Infinity, from));
  }
  events.push(...importAuditNotes(events, names, source, basename(args.file!), coveredFrom));
  events.sort(compareEvents);
  for (const p of problems) io.err(`${describe(p)}\n`);
  const refused = read - imported - repeated;
  // A sheet without a needed column imports nothing: refused as much as a bad row.
  const isRefusing = problems.some((p) => !p.isRepeat);
  const summary = `rows: ${read} read, ${imported} imported, ${repeated} repeating an earlier row, ${refused} refused; ${events.length} events`;
  if (args.publish) {
    const session = await signIn(args.publish, user, await readPassword(args['password-file'] && resolve(io.cwd, args['password-file']), process.env.FLOORBOARD_PASSWORD, (p) => readFile(p, 'utf8')), source.deviceId);
    const result = await publishEvents(session, plant.site.id, names, events);
    for (const r of result.refused) io.err(`refused by the service: ${r.id ?? '(no id)'}: ${r.code}: ${r.message}\n`);
    io.err(`${summary}; service: ${result.accepted} accepted (stored now or before), ${result.refused.length} refused\n`);
    return isRefusing || result.refused.length > 0 ? EXIT.failure : EXIT.ok;
  }
  const ndjson = events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '');
  if (args.out) await writeFile(resolve(io.cwd, args.out), ndjson);
  else io.out(ndjson);
  io.err(`${summary}${args.out ? ` written to ${args.out}` : ''}\n`);
  return isRefusing ? EXIT.failure : EXIT.ok;
}
