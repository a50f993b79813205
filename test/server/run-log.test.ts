import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { computeOee } from '../../src/core/oee/engine.ts';
import { plantSchema, type FloorEvent } from '../../src/core/index.ts';
import { startRunLog } from '../../src/server/run-log.ts';
import { openStorage } from '../../src/server/storage/open-storage.ts';
import type { Storage } from '../../src/server/storage/storage.ts';
import { FIXTURE_PLANT, startHarness, type Harness, fixtureLogin } from './support/service-harness.ts';

const H = 3_600_000;
const dirs: string[] = [];
const open: Storage[] = [];
let harness: Harness | undefined;

async function freshStorage(): Promise<{ dir: string; storage: Storage }> {
  const dir = await mkdtemp(join(tmpdir(), 'fb-runlog-'));
  dirs.push(dir);
  const storage = openStorage(undefined, dir);
  open.push(storage);
  await storage.migrate();
  return { dir, storage };
}

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const s of open.splice(0)) await s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('the service run log (ADR 0009)', () => {
  it('records a run, marks it alive, ends it on a clean stop, and knows the downtime before the next run', async () => {
    const { storage } = await freshStorage();
    let t = 1_000_000;
    const first = await startRunLog({ storage, now: () => t, log: () => {}, aliveEveryMs: 5 });
    t += 60_000;
    await new Promise((r) => setTimeout(r, 40));
    expect((await storage.listRuns())[0]).toMatchObject({ startedAt: 1_000_000, aliveAt: 1_060_000, endedAt: null });
    t += 30_000;
    await first.stop();
    t = 5_000_000;
    const second = await startRunLog({ storage, now: () => t, log: () => {} });
    expect(second.serviceDown).toEqual([{ start: 1_090_000, end: 5_000_000 }]);
    await second.stop();
  });

  it('ends a crashed run at its last alive mark: the time after it is downtime', async () => {
    const { storage } = await freshStorage();
    const crashed = await storage.startRun(1_000_000);
    await storage.touchRun(crashed, 1_010_000);
    const next = await startRunLog({ storage, now: () => 2_000_000, log: () => {} });
    expect(next.serviceDown).toEqual([{ start: 1_010_000, end: 2_000_000 }]);
    const m = await next.monitoring(['line-a']);
    expect(m.serviceDown).toEqual(next.serviceDown);
    await next.stop();
  });

  it('reports the service-down window as no data in /api/oee, with coverage beside OEE', async () => {
    const { dir, storage } = await freshStorage();
    const T = Math.floor(Date.now() / H) * H;
    // Monitored since T-4h (its first event); the service crashed at T-3h and starts again now.
    const event = { v: 1, id: ulid(), deviceId: 'tab-1', seq: 0, ts: T - 4 * H, author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'count', productId: 'widget', good: 5, reject: 0 } as FloorEvent;
    await storage.insertEvents([{ event, topic: 't', receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts }]);
    const crashed = await storage.startRun(T - 5 * H);
    await storage.touchRun(crashed, T - 3 * H);
    await storage.close();
    open.length = 0;
    // The expected figures are computed on the fixture plant as filed, breaks included.
    harness = await startHarness({ dataDir: dir, plantFile: FIXTURE_PLANT });
    const { token } = await harness.login(fixtureLogin('mgr', 'dash-nd'));
    const res = await harness.http(`/api/oee?from=${T - 4 * H}&to=${T - H}&line=line-a`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const total = ((await res.json()) as { lines: { total: { noDataMs: number; coverage: number | null; scheduledMs: number } }[] }).lines[0]!.total;
    const plant = plantSchema.parse(JSON.parse(readFileSync(FIXTURE_PLANT, 'utf8')));
    const expected = computeOee(plant, [event], { from: T - 4 * H, to: T - H, now: Date.now(), by: 'window', lineIds: ['line-a'] }, { serviceDown: [{ start: T - 3 * H, end: T + H }] }).lines[0]!.total;
    expect(expected.noDataMs).toBeGreaterThan(H);
    expect(total.noDataMs).toBe(expected.noDataMs);
    expect(total.coverage).toBeCloseTo(expected.coverage!, 9);
    expect(total.coverage).toBeLessThan(0.5);
  });
});
