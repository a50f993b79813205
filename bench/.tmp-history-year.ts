// Ad-hoc measurement (not committed): /api/oee for a year, raw events vs hourly buckets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeOee } from '../src/core/index.ts';
import { eventsBetween, oeeFromBuckets } from '../src/server/http/bucket-history.ts';
import { hourlyBuckets, LOOKBACK_MS } from '../src/server/live/hourly-buckets.ts';
import { openStorage } from '../src/server/storage/open-storage.ts';
import { DAY_MS, YEAR_START, benchPlant, lineYear } from './generate-year.ts';

const LINES = 2;
const DAYS = 365;
const plant = benchPlant(LINES);
const dir = mkdtempSync(join(tmpdir(), 'fb-hist-'));
const storage = openStorage(undefined, dir);
await storage.migrate();
let n = 0;
for (let l = 0; l < LINES; l++) {
  const evs = lineYear(plant, l, DAYS, 42);
  for (let i = 0; i < evs.length; i += 5000) {
    await storage.insertEvents(evs.slice(i, i + 5000).map((event) => ({ event, receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts, topic: 't' })));
  }
  n += evs.length;
}
const end = YEAR_START + DAYS * DAY_MS;
const now = end + 2 * 3600_000;
for (let d = 0; d < DAYS + 1; d += 7) {
  const from = YEAR_START + d * DAY_MS;
  const to = Math.min(from + 7 * DAY_MS, now);
  const events = await eventsBetween(storage, plant.areas.flatMap((a) => a.lines.map((l) => l.id)), from - LOOKBACK_MS, to + LOOKBACK_MS);
  await storage.upsertHourlyBuckets(hourlyBuckets(plant, events, { upsertFrom: from, to, now }));
}
const lineIds = plant.areas.flatMap((a) => a.lines.map((l) => l.id));
const query = { from: YEAR_START + DAY_MS, to: end, now, by: 'day' as const, lineIds };
const cpu = async (f: () => Promise<unknown>) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await f();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, r };
};
for (let round = 0; round < 2; round++) {
  const raw = await cpu(async () => computeOee(plant, await eventsBetween(storage, lineIds, query.from - LOOKBACK_MS, query.to + LOOKBACK_MS), query));
  const fromBuckets = await cpu(() => oeeFromBuckets({ storage, bucketsStaleFrom: () => Number.POSITIVE_INFINITY }, plant, query));
  const a = (raw.r as ReturnType<typeof computeOee>).site.total;
  const b = (fromBuckets.r as ReturnType<typeof computeOee>).site.total;
  console.log(`round ${round}: ${n} events, ${LINES} lines, ${DAYS - 1} days by day: raw ${raw.cpuMs.toFixed(0)} ms CPU (${raw.ms.toFixed(0)} wall), buckets ${fromBuckets.cpuMs.toFixed(0)} ms CPU (${fromBuckets.ms.toFixed(0)} wall), ratio ${(raw.cpuMs / fromBuckets.cpuMs).toFixed(1)}x; oee ${a.oee} vs ${b.oee}; stops ${a.stopCount} vs ${b.stopCount}; mtbf ${a.mtbfMs} vs ${b.mtbfMs}`);
}
await storage.close();
rmSync(dir, { recursive: true, force: true });
