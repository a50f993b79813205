/**
 * Where ingest time goes, without any broker: CPU time per event of each stage of the service's
 * ingest path, measured with process.cpuUsage so a busy machine does not skew it (much).
 * Run: node --import tsx bench/ingest-stages.ts. Complements bench/ingest.bench.ts (wall-clock rates).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventSchema, topics } from '../src/core/index.ts';
import { localBoundaries } from '../src/core/oee/calendar.ts';
import { indexPlant } from '../src/core/plant-index.ts';
import { createIngestHandler } from '../src/server/ingest/ingest-handler.ts';
import { ClockTracker } from '../src/server/ingest/clock-tracker.ts';
import { parseMessage } from '../src/server/ingest/parse-message.ts';
import { startBucketWriter } from '../src/server/history/bucket-writer.ts';
import { createMetrics } from '../src/server/metrics.ts';
import { loadPlantFile } from '../src/server/plant-file.ts';
import { openStorage } from '../src/server/storage/open-storage.ts';

/** Events per message: BENCH_BATCH (default 100); the event count stays 30,000. */
const PER_BATCH = Number(process.env.BENCH_BATCH ?? 100);
const BATCHES = Math.ceil(30_000 / PER_BATCH);
const EVENTS = BATCHES * PER_BATCH;
const plant = await loadPlantFile(new URL('../test/fixtures/test.plant.json', import.meta.url).pathname);
const index = indexPlant(plant);
const users = new Map(plant.users.map((u) => [u.id, u]));
const topic = topics.events({ site: index.site, area: 'assembly', line: 'line-a', station: 'a1' });
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ulidLike = (n: number) => `01JD${Array.from({ length: 22 }, (_, i) => CROCKFORD[Math.floor(n / 32 ** (21 - i)) % 32]).join('')}`;
const now = Date.now();
const batches = (offset: number) =>
  Array.from({ length: BATCHES }, (_, b) =>
    Buffer.from(
      JSON.stringify({
        events: Array.from({ length: PER_BATCH }, (_, k) => {
          const n = offset + b * PER_BATCH + k;
          return { v: 1, id: ulidLike(n), deviceId: 'bench-1', seq: n, ts: now - 60_000, author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'count', productId: 'widget', good: 1, reject: 0 };
        }),
      }),
    ),
  );

/** CPU microseconds per event spent in `f`. */
async function cpuPerEvent(f: () => unknown): Promise<string> {
  const start = process.cpuUsage();
  await f();
  const d = process.cpuUsage(start);
  return ((d.user + d.system) / EVENTS).toFixed(1);
}

const input = batches(0);
// Warm-up (JIT): one untimed pass of the parse path; the handler gets its own below.
input.forEach((b) => parseMessage(topic, b, index, users));
const parsedEvents = input.flatMap((b) => (JSON.parse(b.toString('utf8')) as { events: unknown[] }).events);
const rows: [string, string][] = [];
rows.push(['JSON.parse of the payload', await cpuPerEvent(() => input.forEach((b) => JSON.parse(b.toString('utf8'))))]);
rows.push(['eventSchema.safeParse', await cpuPerEvent(() => parsedEvents.forEach((e) => eventSchema.safeParse(e)))]);
rows.push(['parseMessage (JSON + zod + plant checks)', await cpuPerEvent(() => input.forEach((b) => parseMessage(topic, b, index, users)))]);
rows.push(['hour lookup per event (localBoundaries)', await cpuPerEvent(() => { for (let i = 0; i < EVENTS; i++) localBoundaries(plant.calendar.timezone, now + i, now + i + 1, 'hour'); })]);
const dir = mkdtempSync(join(tmpdir(), 'floorboard-stages-'));
const storage = openStorage(undefined, dir);
await storage.migrate();
const buckets = startBucketWriter({ storage, plant, now: Date.now, log: () => {}, flushMs: 3_600_000 });
const handle = createIngestHandler({ storage, index: () => index, usersById: () => users, metrics: createMetrics(false), clock: new ClockTracker(60_000), now: Date.now, log: () => {}, onCommitted: (r) => buckets.touch(r) });
for (const b of batches(3_000_000)) await handle(topic, b); // warm-up, untimed
const fresh = batches(1_000_000);
rows.push(['whole handler, one message at a time', await cpuPerEvent(async () => { for (const b of fresh) await handle(topic, b); })]);
// As the service client feeds it: a window of messages in flight (Mosquitto's max_inflight_messages
// default is 20), which the handler commits together (group commit).
const windowed = batches(2_000_000);
rows.push(['whole handler, 20 messages in flight (group commit)', await cpuPerEvent(async () => {
  for (let i = 0; i < windowed.length; i += 20) await Promise.all(windowed.slice(i, i + 20).map((b) => handle(topic, b)));
})]);
buckets.stop();
await storage.close();
rmSync(dir, { recursive: true, force: true });
console.log(`ingest stages, CPU time per event (${BATCHES} batches of ${PER_BATCH}, SQLite, no broker)`);
console.table(rows.map(([stage, us]) => ({ stage, 'us/event': Number(us) })));
