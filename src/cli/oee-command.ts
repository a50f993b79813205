import { resolve } from 'node:path';
import { z } from 'zod';
import { FloorboardError, topicIdSchema, type OeeQuery, type Plant } from '../core/index.ts';
import { computeOee } from '../core/oee/engine.ts';
import { loadPlantFile } from '../server/plant-file.ts';
import { parseFlags } from './args.ts';
import { EXIT, type CliIo } from './command.ts';
import { readEventsFile } from './events-file.ts';
import { renderCsv } from '../core/oee/report-csv.ts';
import { FIGURE_COLUMNS, pickColumns } from '../core/oee/figure-columns.ts';
import { renderTable } from './oee-table.ts';
import { OEE_USAGE } from './oee-usage.ts';
import { timeArgSchema, timeArgToMs } from './time-arg.ts';
import { localDayStart } from '../core/local-time.ts';

export const oeeArgsSchema = z.object({
  help: z.boolean().default(false),
  plant: z.string().min(1, 'must not be empty').optional(),
  events: z.string().min(1, 'must not be empty').optional(),
  from: timeArgSchema.optional(),
  to: timeArgSchema.optional(),
  'as-of': timeArgSchema.optional(),
  by: z.enum(['hour', 'shift', 'day', 'window'], { error: 'must be one of hour, shift, day, window' }).default('shift'),
  line: z.array(topicIdSchema).default([]),
  format: z.enum(['table', 'json', 'csv'], { error: 'must be one of table, json, csv' }).default('table'),
  columns: z
    .string()
    .transform((s) => s.split(',').map((c) => c.trim()).filter(Boolean))
    .superRefine((names, ctx) => {
      const { unknown } = pickColumns(names);
      if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'must name at least one column' });
      else if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown column ${unknown.map((u) => `"${u}"`).join(', ')}; the columns are all, ${FIGURE_COLUMNS.map((c) => c.key).join(', ')}` });
    })
    .optional(),
});

const flags = {
  help: { type: 'boolean', short: 'h' },
  plant: { type: 'string' },
  events: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'as-of': { type: 'string' },
  by: { type: 'string' },
  line: { type: 'string', multiple: true },
  format: { type: 'string' },
  columns: { type: 'string' },
} as const;

/**
 * Checks what only the plant and the events can tell: known lines, and a window that is not empty.
 * Without --from/--to the window is the whole local days the events touch, so their shifts are
 * planned from their start (not from the first event). As of --as-of, by default the window's end
 * or `clockNow`, whichever is earlier.
 */
export function buildQuery(args: z.infer<typeof oeeArgsSchema>, plant: Plant, eventTimes: { min: number; max: number } | null, clockNow: number): OeeQuery {
  const known = plant.areas.flatMap((a) => a.lines.map((l) => l.id));
  const unknown = args.line.filter((id) => !known.includes(id));
  if (unknown.length > 0)
    throw new FloorboardError('invalid-arguments', 'bad arguments', { details: unknown.map((id) => `--line: unknown line "${id}"; the plant has ${known.join(', ')}`) });
  const tz = plant.calendar.timezone;
  const from = args.from !== undefined ? timeArgToMs(args.from, tz) : eventTimes ? localDayStart(eventTimes.min, tz) : undefined;
  // `to` is exclusive: the local midnight after the last event's day.
  const to = args.to !== undefined ? timeArgToMs(args.to, tz) : eventTimes ? localDayStart(eventTimes.max, tz, 1) : undefined;
  if (from === undefined || to === undefined)
    throw new FloorboardError('invalid-arguments', 'bad arguments', { details: ['the events file has no valid events, so give the window with --from and --to'] });
  if (from >= to) throw new FloorboardError('invalid-arguments', 'bad arguments', { details: [`--from (${new Date(from).toISOString()}) must be before --to (${new Date(to).toISOString()})`] });
  const now = args['as-of'] !== undefined ? timeArgToMs(args['as-of'], tz) : Math.min(to, clockNow);
  return { from, to, now, by: args.by, ...(args.line.length > 0 ? { lineIds: args.line } : {}) };
}

/** `floorboard oee`: OEE from a plant file and an NDJSON events file, computed by the core engine. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const args = parseFlags(argv, flags, oeeArgsSchema, { plant: 'FILE', events: 'FILE' });
  if (args.help) {
    io.out(OEE_USAGE);
    return EXIT.ok;
  }
  if (args.columns && args.format === 'json')
    throw new FloorboardError('invalid-arguments', 'bad arguments', { details: ['--columns: applies to --format table or csv; json always holds every figure'] });
  // parseFlags checked both are given unless --help was, which returned above.
  const paths = { plant: args.plant!, events: args.events! };
  const plant = await loadPlantFile(resolve(io.cwd, paths.plant));
  const file = await readEventsFile(resolve(io.cwd, paths.events));
  for (const problem of file.problems) io.err(`${paths.events}: ${problem}\n`);
  let times: { min: number; max: number } | null = null;
  for (const e of file.events) times = times ? { min: Math.min(times.min, e.ts), max: Math.max(times.max, e.ts) } : { min: e.ts, max: e.ts };
  const query = buildQuery(args, plant, times, Date.now());
  const report = computeOee(plant, file.events, query);
  const ctx = { timezone: plant.calendar.timezone };
  const columns = args.columns ? pickColumns(args.columns).columns : undefined;
  if (args.format === 'json') io.out(`${JSON.stringify(report, null, 2)}\n`);
  else if (args.format === 'csv') io.out(renderCsv(report, ctx, columns));
  else io.out(renderTable(report, ctx, columns));
  io.err(`events: ${file.read} read, ${file.events.length} used, ${file.skipped} skipped (invalid)\n`);
  return EXIT.ok;
}
