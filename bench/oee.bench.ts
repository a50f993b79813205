/**
 * OEE engine benchmark: a generated year (50 lines, 3 shifts, ~60 stops per line per day, a count
 * per minute), recomputed in batch with shift buckets, then fed event by event to the accumulator.
 *   npm run bench:oee                       # the full year
 *   node --import tsx bench/oee.bench.ts --lines 5 --days 30 --acc-lines 2   # a quick look
 *   --warmup-days 7 --warmup-calls 1        # the warm-up used until 2026-11-22 (see WARMUP_DAYS)
 * The plant is generated and recomputed a group of lines at a time (`--group`, default one line),
 * so the year (~5 GB as event objects) never sits in memory at once. A young-generation GC runs
 * after each group is generated, outside the timed parts (`--no-force-gc` to skip it; see FORCE_GC).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { computeOee } from '../src/core/oee/engine.ts';
import { OeeAccumulator } from '../src/core/oee/accumulator.ts';
import { compareEvents } from '../src/core/oee/normalize.ts';
import type { FloorEvent } from '../src/core/events.schema.ts';
import type { OeeFigures } from '../src/core/oee/report.ts';
import { DAY_MS, YEAR_START, benchPlant, lineYear } from './generate-year.ts';
import { lineHistory } from '../src/core/sim/year-generator.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const LINES = arg('lines', 50);
const DAYS = arg('days', 365);
const ACC_LINES = arg('acc-lines', 5);
const SEED = arg('seed', 42);
/**
 * Lines per batch call. 1 (default): one line's year per call, as a server streaming from storage
 * would; each call also rolls up its area and site. 10: one area per call (~4.7 M events, ~1 GB of
 * event objects alive, so every GC has far more to mark).
 */
const GROUP = arg('group', 1);
/**
 * Each group's events are generated right before its batch call, and V8 would otherwise still be
 * collecting the generator's young garbage when the call starts, billed to the engine. So after
 * generating, and before the baselines and the batch call, the bench forces a young-generation GC,
 * `gc({ type: 'minor' })`; its CPU time is reported apart and not counted. `--no-force-gc` skips it.
 * Not a full gc(): on Node 20 the full one is memory-reducing (two mark-compacts), and the next
 * engine call on a fresh line then cost several times its CPU (deoptimisations for lost type
 * feedback, and a major GC of the line's live events; docs/benchmarks.md): more than it took off. (Node 20's
 * gc({ type: 'major' }) runs a scavenge.) Old-generation marking the generator started can still
 * run on helper threads during a call; that stays in the engine's CPU time.
 */
const FORCE_GC = !process.argv.includes('--no-force-gc');
if (FORCE_GC && typeof globalThis.gc !== 'function') v8.setFlagsFromString('--expose-gc');
const gcNow = (FORCE_GC ? (globalThis.gc ?? vm.runInNewContext('gc')) : undefined) as ((o: { type: 'minor' }) => void) | undefined;
const forceGc = () => gcNow?.({ type: 'minor' });

const plant = benchPlant(LINES);
const allLines = plant.areas.flatMap((a) => a.lines);
const window = { from: YEAR_START, to: YEAR_START + DAYS * DAY_MS, by: 'shift' as const };
const now = window.to;
const load0 = os.loadavg()[0]!;
/** Wall time swings with whatever else runs on the machine; CPU time (user + system, all threads incl. GC) is the engine's own cost. */
const secs = (wall: number, cpu: number) => `${(wall / 1000).toFixed(2)} s wall, ${(cpu / 1000).toFixed(2)} s CPU`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
/**
 * CPU time of the main thread alone, in ms (Linux schedstat, ns resolution). process.cpuUsage adds
 * every thread: V8's concurrent GC marking of the generator's garbage and TurboFan compiles run on
 * helper threads, in parallel on the second core. On an otherwise idle 2-core machine the wall time
 * of a recompute is the main thread's; on this shared one it is the load-robust stand-in for it.
 */
const mainThreadCpuMs = (): number => {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
};
let peakHeap = 0;
const accLineIds = new Set(allLines.slice(0, ACC_LINES).map((l) => l.id));
const sampleHeap = () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));
/** GC pauses on the main thread, to tell how much of the batch time is collection (entries arrive asynchronously). */
const gcEntries: PerformanceEntry[] = [];
const gcObserver = new PerformanceObserver((list) => gcEntries.push(...list.getEntries()));
gcObserver.observe({ entryTypes: ['gc'] });
const engineSpans: Array<[number, number]> = [];

/**
 * JIT warm-up, not timed: WARMUP_CALLS calls over WARMUP_DAYS of line 0 under another seed. A
 * server computes reports all day, so its engine runs optimised code; the timed calls should too.
 * Until 2026-11-22 this was one call over 7 days (`--warmup-days 7 --warmup-calls 1`): too little
 * for V8 to optimise most of the engine, so the first four or five timed line-years also paid for
 * compiling it (TurboFan runs on helper threads, and its CPU time is in the figure) and for
 * running unoptimised until then: 0.2-0.4 s CPU of the whole-plant figure. The warm-up window is
 * shorter than the timed one on purpose, so the year's plan is still built inside the first timed call.
 */
const WARMUP_DAYS = arg('warmup-days', 60);
const WARMUP_CALLS = arg('warmup-calls', 3);
const warmupEvents = lineYear(plant, 0, WARMUP_DAYS, SEED + 1);
const warmupTo = YEAR_START + WARMUP_DAYS * DAY_MS;
for (let k = 0; k < WARMUP_CALLS; k++) computeOee(plant, warmupEvents, { ...window, to: warmupTo, now: warmupTo, lineIds: [allLines[0]!.id] });
warmupEvents.length = 0;

let events = 0;
let genMs = 0;
let iterateMs = 0;
let iterateCpuMs = 0;
let sortMs = 0;
let sortCpuMs = 0;
let engineMs = 0;
let engineCpuMs = 0;
let engineMainCpuMs = 0;
let buckets = 0;
let forcedGcCpuMs = 0;
const batchTotals = new Map<string, OeeFigures>();
const groups: (typeof allLines)[] = [];
for (let i = 0; i < allLines.length; i += GROUP) groups.push(allLines.slice(i, i + GROUP));
for (const group of groups) {
  // A group of lines at a time, their histories merged into one stream in event order.
  let t = performance.now();
  const lineNos = group.map((l) => allLines.indexOf(l));
  const evs = lineNos.flatMap((i) => lineYear(plant, i, DAYS, SEED)).sort(compareEvents);
  genMs += performance.now() - t;
  events += evs.length;
  sampleHeap();

  // The generator's garbage is collected here, not billed to the baselines or the engine.
  let c = process.cpuUsage();
  forceGc();
  forcedGcCpuMs += cpuMs(process.cpuUsage(c));
  // Baseline 1: touch every event once and check its order, the least any engine must do.
  t = performance.now();
  c = process.cpuUsage();
  let inOrder = 0;
  for (let k = 1; k < evs.length; k++) if (compareEvents(evs[k - 1]!, evs[k]!) < 0) inOrder++;
  iterateMs += performance.now() - t;
  iterateCpuMs += cpuMs(process.cpuUsage(c));
  // Baseline 2: sort a copy in the engine's order (already sorted input: TimSort's best case).
  t = performance.now();
  c = process.cpuUsage();
  const sorted = evs.slice().sort(compareEvents);
  sortMs += performance.now() - t;
  sortCpuMs += cpuMs(process.cpuUsage(c));
  if (sorted.length !== inOrder + 1) throw new Error('generator produced events out of order');

  c = process.cpuUsage();
  forceGc();
  forcedGcCpuMs += cpuMs(process.cpuUsage(c));
  t = performance.now();
  const c0 = process.cpuUsage();
  const m0 = mainThreadCpuMs();
  const report = computeOee(plant, evs, { ...window, now, lineIds: group.map((l) => l.id) });
  engineMainCpuMs += mainThreadCpuMs() - m0;
  engineCpuMs += cpuMs(process.cpuUsage(c0));
  engineMs += performance.now() - t;
  engineSpans.push([t, performance.now()]);
  for (const l of report.lines) {
    buckets += l.buckets.length;
    if (accLineIds.has(l.id)) batchTotals.set(l.id, l.total);
  }
  sampleHeap();
}

// Incremental: the accumulator fed day by day, lines interleaved as a live stream would be.
const accIds = allLines.slice(0, ACC_LINES).map((l) => l.id);
const acc = new OeeAccumulator(plant, { ...window, lineIds: accIds });
const gens = allLines.slice(0, ACC_LINES).map((line, lineNo) => lineHistory({ line, lineNo, from: YEAR_START, days: DAYS, seed: SEED }));
let applied = 0;
let applyMs = 0;
let applyCpuMs = 0;
for (let d = 0; d < DAYS; d++) {
  const day: FloorEvent[] = [];
  for (const g of gens) for (const e of g.next().value ?? []) day.push(e);
  day.sort(compareEvents);
  const t = performance.now();
  const c = process.cpuUsage();
  for (const e of day) acc.apply(e);
  applyMs += performance.now() - t;
  applyCpuMs += cpuMs(process.cpuUsage(c));
  applied += day.length;
  if (d % 30 === 0) sampleHeap();
}
let t = performance.now();
const live = acc.report(now);
const reportMs = performance.now() - t;
const isEqual = live.lines.every((l) => {
  const b = batchTotals.get(l.id)!;
  return Math.abs((l.total.oee ?? 0) - (b.oee ?? 0)) < 1e-9 && l.total.good === b.good && Math.abs(l.total.runMs - b.runMs) < 1e-6;
});
// A late event (a count back in April): only its line is recomputed at the next report.
acc.apply({
  v: 1, id: '7ZZZZZZZZZZZZZZZZZZZZZZZZZ', deviceId: 'bench', seq: 0, ts: YEAR_START + 100 * DAY_MS, author: 'lead',
  lineId: accIds[0]!, stationId: 'st-0', type: 'count', productId: 'p-a', good: 5, reject: 0,
} satisfies FloorEvent);
t = performance.now();
acc.report(now);
const lateMs = performance.now() - t;
sampleHeap();

await new Promise((resolve) => setTimeout(resolve, 50)); // let the last GC entries arrive
gcObserver.disconnect();
let engineGcMs = 0;
for (const g of gcEntries) {
  const span = engineSpans.find(([a, b]) => g.startTime >= a && g.startTime < b);
  if (span) engineGcMs += g.duration;
}
const perEventUs = (applyMs * 1000) / applied;
const perEventCpuUs = (applyCpuMs * 1000) / applied;
const rss = process.resourceUsage().maxRSS * 1024;
const rows: Array<[string, string]> = [
  ['plant', `${LINES} lines in ${plant.areas.length} areas, ${DAYS} days, 3 shifts, seed ${SEED}; ${GROUP} line(s) per call`],
  ['JIT warm-up (not timed)', `${WARMUP_CALLS} call(s) over ${WARMUP_DAYS} days of line 0 (seed ${SEED + 1})`],
  ['events (batch)', `${events.toLocaleString('en')} (generated in ${(genMs / 1000).toFixed(1)} s, not counted)`],
  ['shift buckets per line', `${buckets / LINES}`],
  ['load average (1 min) start/end', `${load0.toFixed(2)} / ${os.loadavg()[0]!.toFixed(2)} on ${os.availableParallelism()} cores`],
  ['batch recompute, whole plant', `${secs(engineMs, engineCpuMs)} (${((engineCpuMs * 1e6) / events).toFixed(0)} ns CPU/event)`],
  ['  of which on the main thread', `${(engineMainCpuMs / 1000).toFixed(2)} s CPU (the rest is V8 helper threads: concurrent GC, compiles)`],
  ['forced GC before each batch call', FORCE_GC ? `yes (young generation), after generating and before timing: ${(forcedGcCpuMs / 1000).toFixed(2)} s CPU, not counted` : 'no (--no-force-gc): V8 may still be collecting the generator\'s garbage during a batch call'],
  ['GC pauses inside batch calls', `${(engineGcMs / 1000).toFixed(2)} s wall (main-thread pauses; collection work on helper threads is in CPU time only)`],
  ['baseline: iterate + order check', `${secs(iterateMs, iterateCpuMs)} (engine = ${(engineCpuMs / iterateCpuMs).toFixed(1)}x by CPU)`],
  ['baseline: sort a copy', `${secs(sortMs, sortCpuMs)} (engine = ${(engineCpuMs / sortCpuMs).toFixed(1)}x by CPU)`],
  ['incremental apply', `${applied.toLocaleString('en')} events on ${ACC_LINES} lines: ${perEventUs.toFixed(3)} µs/event wall, ${perEventCpuUs.toFixed(3)} µs CPU`],
  ['live report(now), year window', `${reportMs.toFixed(0)} ms for ${ACC_LINES} lines`],
  ['report after a late event', `${lateMs.toFixed(0)} ms (one line recomputed)`],
  ['accumulator equals batch', isEqual ? 'yes' : 'NO'],
  ['peak memory', `RSS ${mb(rss)}, heap used ${mb(peakHeap)}`],
  ['budgets (CPU time)', `recompute < 2 s: ${engineCpuMs < 2000 ? 'met' : engineMainCpuMs < 2000 ? 'met on the main thread, MISSED over all threads' : 'MISSED'}; apply < 5 µs/event: ${perEventCpuUs < 5 ? 'met' : 'MISSED'}`],
];
const w = Math.max(...rows.map((r) => r[0].length));
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
if (!isEqual) process.exitCode = 1;
