/**
 * The no-op correction check (src/server/ingest/current-payloads.ts): what a lead's correction of a
 * week-old entry costs per batch, with the line's corrections kept between batches, against the
 * baseline of reading them all again for every batch (a fresh reader each time), in the same run.
 * SQLite in a temp dir: one line with a week of stops, each corrected once, and counts between.
 *   node --import tsx bench/corrections.bench.ts [stops] [batches]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { eventSchema, type FloorEvent } from '../src/core/events.schema.ts';
import { currentPayloads } from '../src/server/ingest/current-payloads.ts';
import { openSqliteStorage } from '../src/server/storage/sqlite-storage.ts';
import type { EventOrigin, StoredEventInput } from '../src/server/storage/storage.ts';

const stops = Number(process.argv[2] ?? 5000);
const batches = Number(process.argv[3] ?? 200);
const WEEK = 7 * 86_400_000;
const t0 = Date.UTC(2026, 0, 5, 6);
const gap = Math.floor(WEEK / stops);

const base = { v: 1, deviceId: 'tab-1', author: 'op-1', lineId: 'line-1', stationId: 'st-1' };
const input = (event: FloorEvent): StoredEventInput => ({ event, receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts, topic: 'floorboard/v1/p/a/line-1/station/st-1/events' });
const targets: EventOrigin[] = [];
const records: StoredEventInput[] = [];
let seq = 0;
for (let i = 0; i < stops; i++) {
  const ts = t0 + i * gap;
  const id = ulid(ts);
  const start = eventSchema.parse({ ...base, id, seq: ++seq, ts, type: 'stop.start', stopId: id, reasonId: 'jam' });
  const fix = eventSchema.parse({ ...base, author: 'lead-1', id: ulid(ts + 1000), seq: ++seq, ts: ts + 1000, type: 'correction', supersedes: id, reason: 'was setup', replacement: { type: 'stop.start', stopId: id, reasonId: 'setup' } });
  const count = eventSchema.parse({ ...base, id: ulid(ts + 2000), seq: ++seq, ts: ts + 2000, type: 'count', productId: 'p-1', good: 10, reject: 0 });
  records.push(input(start), input(fix), input(count));
  if (i < batches) targets.push({ id, type: 'stop.start', author: 'op-1', deviceId: 'tab-1', lineId: 'line-1', stationId: 'st-1', ts, correctedTs: ts });
}

const dir = mkdtempSync(join(tmpdir(), 'fb-bench-corrections-'));
const storage = openSqliteStorage(join(dir, 'bench.db'));
try {
  await storage.migrate();
  for (let i = 0; i < records.length; i += 500) await storage.insertEvents(records.slice(i, i + 500));
  // Each batch corrects one of the oldest entries: the check reads back to it.
  const run = async (name: string, checkerFor: () => ReturnType<typeof currentPayloads>) => {
    const start = performance.now();
    for (const target of targets) {
      const current = await checkerFor()([target]);
      if (!current.has(target.id)) throw new Error('bench: target not found');
    }
    const ms = (performance.now() - start) / targets.length;
    console.log(`${name.padEnd(34)} ${ms.toFixed(3)} ms per batch (${targets.length} batches, ${stops} corrections on the line over a week)`);
    return ms;
  };
  const before = await run('baseline: read again every batch', () => currentPayloads(storage));
  const kept = currentPayloads(storage);
  const after = await run('kept per line between batches', () => kept);
  console.log(`speed-up ${(before / after).toFixed(1)}x`);
} finally {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
