/**
 * What the demo's board tiles read a given time into a shift: the demo plant with three 8 h shifts a
 * day (as the first-start e2e gives it outside the demo's own shifts), one begun `minutes` ago, its
 * current shift written by the backfill as `npm start --demo` writes it, and each line's OEE over the
 * shift so far through the one engine. Drawn at many moments (37 min apart, so every hour and
 * weekday comes round) for each shift age; prints how many tiles fall outside 30-95 % and below 0.
 *   npm run bench:demo-tiles [-- --samples 400]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import * as z from 'zod';
import { plantSchema, type FloorEvent } from '../src/core/index.ts';
import { computeOee } from '../src/core/oee/engine.ts';
import { backfillEvents, backfillIds, backfillSim, backfillWindow } from '../src/core/sim/demo-backfill.ts';

const MIN = 60_000;
const SEED = 42;
const AGES_MIN = [45, 90, 120, 240];
const argsSchema = z.object({ samples: z.coerce.number().int().min(1).max(2000).default(400) });
const parsed = argsSchema.safeParse(parseArgs({ options: { samples: { type: 'string' } } }).values);
if (!parsed.success) {
  console.error(`bench:demo-tiles: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  process.exit(2);
}
const { samples } = parsed.data;
const text = readFileSync(new URL('../plants/demo.plant.yaml', import.meta.url), 'utf8');
const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** The demo plant with a shift begun at `start` (to the minute) and two more after it. */
function plantWithShiftAt(start: number) {
  const raw = parse(text) as { calendar: unknown };
  raw.calendar = { timezone: 'UTC', shifts: [0, 1, 2].map((i) => ({ id: `s${i}`, name: `Shift ${i}`, days, start: hhmm(start + i * 480 * MIN), end: hhmm(start + (i + 1) * 480 * MIN) })) };
  return plantSchema.parse(raw);
}

const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
console.log(`| shift under way | tiles | outside 30-95 % | below 0 % | min | p5 | median |\n|---|---|---|---|---|---|---|`);
for (const ageMin of AGES_MIN) {
  const oees: number[] = [];
  let outside = 0;
  for (let k = 0; k < samples; k++) {
    const now = Date.UTC(2026, 11, 6) + k * 37 * MIN + 13_000;
    const start = Math.floor((now - ageMin * MIN) / MIN) * MIN;
    const plant = plantWithShiftAt(start);
    // One day of history before the shift: the tiles read only the shift so far.
    const w = backfillWindow(plant, now, 1);
    const events: FloorEvent[] = [];
    for (const chunk of backfillEvents(backfillSim(plant, w, SEED), w, backfillIds(SEED))) for (const e of chunk.events) events.push(e);
    for (const l of computeOee(plant, events, { from: start, to: now, now, by: 'window' }).lines) {
      const oee = (l.total.oee ?? 0) * 100;
      oees.push(oee);
      if (oee < 30 || oee > 95) outside++;
    }
  }
  oees.sort((a, b) => a - b);
  const pct = (x: number) => `${x.toFixed(0)} %`;
  console.log(`| ${ageMin} min | ${oees.length} | ${outside} | ${oees.filter((x) => x < 0).length} | ${pct(oees[0]!)} | ${pct(q(oees, 0.05))} | ${pct(q(oees, 0.5))} |`);
}
