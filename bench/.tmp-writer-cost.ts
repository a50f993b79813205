// Ad-hoc (not committed): CPU of one bucket-writer flush at 8 lines, before vs after the change.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeOee } from '../src/core/index.ts';
import { startBucketWriter } from '../src/server/live/hourly-buckets.ts';
import { openStorage } from '../src/server/storage/open-storage.ts';
import { ulid } from 'ulid';
import type { FloorEvent } from '../src/core/index.ts';
import { MachineModel, seededRandom } from '../src/server/sim/machine-model.ts';
import { DAY_MS, YEAR_START, benchPlant } from './generate-year.ts';

const LINES = 8;
const plant = benchPlant(LINES);
const dir = mkdtempSync(join(tmpdir(), 'fb-wr-'));
const storage = openStorage(undefined, dir);
await storage.migrate();
const all: FloorEvent[] = [];
// As dense as the demo simulator: a counter every 5 s per line, state changes as they come.
for (let l = 0; l < LINES; l++) {
  const line = plant.areas.flatMap((a) => a.lines)[l]!;
  const model = new MachineModel({ products: line.products }, seededRandom(l), YEAR_START);
  let seq = 0;
  for (let t = YEAR_START; t < YEAR_START + 4 * DAY_MS; t += 5000) {
    const k = model.tick(t, 5000);
    const env = { v: 1 as const, deviceId: `gw-${l}`, ts: t, author: 'gw', lineId: line.id, stationId: line.stations[0]!.id };
    if (k.state) all.push({ ...env, id: ulid(t), seq: seq++, type: 'machine.state', state: k.state } as FloorEvent);
    all.push({ ...env, id: ulid(t), seq: seq++, type: 'machine.counter', productId: k.productId, total: k.total, rejectTotal: k.rejectTotal } as FloorEvent);
  }
}
all.sort((a, b) => a.ts - b.ts);
for (let i = 0; i < all.length; i += 5000) await storage.insertEvents(all.slice(i, i + 5000).map((event) => ({ event, receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts, topic: 't' })));
const now = YEAR_START + 3 * DAY_MS + 30 * 60_000;
const w = startBucketWriter({ storage, plant, now: () => now, log: () => {}, flushMs: 3_600_000 });
while (w.staleFrom() < Infinity) { await w.flush(); await new Promise((r) => setTimeout(r, 5)); }
const cpu = async (f: () => Promise<unknown>) => { const c0 = process.cpuUsage(); await f(); const c = process.cpuUsage(c0); return ((c.user + c.system) / 1000).toFixed(0); };
const rec = (type: string, lineId: string) => ({ correctedTs: now - 60_000, event: { type, lineId } }) as never;
for (let r = 0; r < 3; r++) {
  const count = await cpu(async () => { w.touch([rec('machine.counter', 'line-0')]); await w.flush(); });
  const deep = await cpu(async () => { w.touch(plant.areas.flatMap((a) => a.lines.map((l) => rec('machine.state', l.id)))); await w.flush(); });
  // The old writer: events from a day before the hour, engine over that hour only.
  const old = await cpu(async () => {
    const h = now - (now % 3600_000);
    const page = await storage.listEvents({ from: h - DAY_MS, to: h + 3600_000, orderBy: 'time' });
    const events = page.events.map((x) => ({ ...x.event, ts: x.correctedTs }));
    computeOee(plant, events, { from: h, to: now, now, by: 'hour' });
  });
  console.log(`round ${r}: ${all.length} events in 4 days, ${LINES} lines; flush of the current hour: old ${old} ms CPU, new ${count} ms CPU; with a stop event on every line (24 h reach-back) ${deep} ms CPU`);
}
w.stop();
await storage.close();
rmSync(dir, { recursive: true, force: true });
