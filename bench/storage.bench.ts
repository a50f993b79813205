/**
 * Storage insert throughput: N events in batches of 500 (the largest batch a device sends), each
 * batch one transaction, into SQLite in a temp dir, and into PostgreSQL when BENCH_PG_URL is set.
 *   node --import tsx bench/storage.bench.ts [events]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { MAX_BATCH_EVENTS, eventSchema } from '../src/core/events.schema.ts';
import { openPostgresStorage } from '../src/server/storage/postgres-storage.ts';
import { openSqliteStorage } from '../src/server/storage/sqlite-storage.ts';
import type { Storage, StoredEventInput } from '../src/server/storage/storage.ts';

const total = Number(process.argv[2] ?? 100_000);
const t0 = Date.UTC(2026, 0, 5, 6);

function makeBatches(): StoredEventInput[][] {
  const batches: StoredEventInput[][] = [];
  for (let b = 0; b * MAX_BATCH_EVENTS < total; b++) {
    const batch: StoredEventInput[] = [];
    for (let i = 0; i < MAX_BATCH_EVENTS; i++) {
      const seq = b * MAX_BATCH_EVENTS + i;
      const event = eventSchema.parse({
        v: 1, id: ulid(), deviceId: `tab-${b % 8}`, seq, ts: t0 + seq * 100, author: 'op-1',
        lineId: `line-${b % 4}`, stationId: 'st-1', type: 'count', productId: 'p-100', good: 3, reject: i % 7 === 0 ? 1 : 0,
      });
      batch.push({ event, receivedAt: event.ts + 40, clockOffsetMs: 0, correctedTs: event.ts, topic: 'floorboard/v1/p/a/l/station/s/events' });
    }
    batches.push(batch);
  }
  return batches;
}

async function measure(name: string, storage: Storage, batches: StoredEventInput[][]): Promise<void> {
  await storage.migrate();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let stored = 0;
  for (const batch of batches) stored += (await storage.insertEvents(batch)).inserted.length;
  const seconds = (performance.now() - start) / 1000;
  // This process's CPU (user + system: the WAL writes are system time): robust to a busy machine.
  const cpu = process.cpuUsage(cpuStart);
  const again = performance.now();
  const dup = (await storage.insertEvents(batches[0] ?? [])).duplicates.length;
  const dupMs = performance.now() - again;
  console.log(
    `${name.padEnd(10)} ${stored} events in ${batches.length} batches: ${Math.round(stored / seconds).toLocaleString('en')} events/s` +
      `, CPU ${((cpu.user + cpu.system) / stored).toFixed(2)} us/event (system ${(cpu.system / stored).toFixed(2)})` +
      ` (${((seconds * 1000) / batches.length).toFixed(2)} ms per 500-event batch; a re-sent batch of ${dup} duplicates: ${dupMs.toFixed(2)} ms)`,
  );
  await storage.close();
}

const batches = makeBatches();
const dir = mkdtempSync(join(tmpdir(), 'fb-bench-'));
try {
  await measure('sqlite', openSqliteStorage(join(dir, 'bench.db')), batches);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const pgUrl = process.env.BENCH_PG_URL;
if (pgUrl) await measure('postgres', openPostgresStorage(pgUrl), batches);
else console.log('postgres   skipped (set BENCH_PG_URL=postgres://... to an empty database)');
