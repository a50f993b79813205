import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../../src/server/start-service.ts';
import { configSchema } from '../../../src/server/config.ts';
import { BACKFILL_DEVICE } from '../../../src/server/sim/demo-start.ts';
import type { StoredEvent } from '../../../src/server/storage/storage.ts';
import { FIXTURE_PLANT } from '../support/service-harness.ts';

const DAY_MS = 86_400_000;

async function until<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('--demo first start: the backfill', () => {
  let dataDir: string;
  let service: Service | null = null;
  let logs: string[] = [];
  const start = async () => {
    logs = [];
    const config = configSchema.parse({ port: 0, mqttTcpPort: 0, host: '127.0.0.1', plantFile: FIXTURE_PLANT, dataDir, staticDir: join(dataDir, 'no-dist'), isDemo: true, demoBackfillDays: 2 });
    service = await startService(config, { logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }), hasDefaultMetrics: false, simTickMs: 200, simHeartbeatMs: [1_000, 1_500] });
    return service;
  };
  const events = async () => (await service!.storage.listEvents({ limit: 1_000_000 })).events;
  let backfilled: StoredEvent[];
  let doneAt = 0;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'floorboard-backfill-'));
    const s = await start();
    await until(async () => (await s.storage.getDevice(BACKFILL_DEVICE))?.lastSeq === 0);
    doneAt = Date.now();
    // Buckets and live figures are ready when the live simulator takes over.
    await until(async () => logs.some((l) => l.includes('demo backfill: hourly buckets written')));
    backfilled = await events();
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores two days and the shift so far as real events of the gateway and the crews, and logs its progress', () => {
    const first = Math.min(...backfilled.map((e) => e.event.ts));
    expect(Date.now() - first).toBeGreaterThan(2 * DAY_MS);
    expect(Date.now() - first).toBeLessThan(3 * DAY_MS);
    expect(Date.now() - Math.max(...backfilled.map((e) => e.event.ts))).toBeLessThan(60_000);
    const authors = new Set(backfilled.map((e) => e.event.author));
    expect(authors).toEqual(new Set(['gw-a', 'op-a']));
    const types = new Set(backfilled.map((e) => e.event.type));
    for (const t of ['machine.state', 'machine.counter', 'machine.heartbeat', 'stop.classify', 'changeover.start', 'changeover.end', 'scrap']) expect(types).toContain(t);
    const progress = logs.map((l) => JSON.parse(l).msg as string).filter((m) => m.startsWith('demo backfill'));
    const percents = progress.flatMap((m) => /^demo backfill: (\d+) %$/.exec(m)?.[1] ?? []).map(Number);
    expect(percents[0]).toBe(0);
    expect(percents.at(-1)).toBe(100);
    expect(percents.length).toBeGreaterThanOrEqual(5);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(progress).toContain('demo backfill: done');
  });

  it('writes the hourly buckets of the whole history, so trends have it at once', async () => {
    const from = Math.min(...backfilled.map((e) => e.event.ts));
    const buckets = await service!.storage.listHourlyBuckets({ lineIds: ['line-a'], from, to: Date.now() });
    const producing = buckets.filter((b) => b.good > 0);
    expect(producing.length).toBeGreaterThan(40);
    expect(producing[0]!.start).toBeLessThan(from + 3 * 3600_000);
  });

  it('hands over to the live simulator: same machines, counters and device sequence continue', async () => {
    // Everything the backfill wrote (catch-up included) happened before its record said done.
    const ofGateway = (list: StoredEvent[]) => list.filter((e) => e.event.deviceId === 'sim-gw-a').sort((x, y) => x.event.seq - y.event.seq);
    const isLive = (e: StoredEvent) => e.event.ts > doneAt + 500;
    // A live count comes only while the machine runs (the demo plant's changeovers and long stops,
    // at whatever time of day the test runs, make none for many minutes); a standing machine still
    // sends heartbeats, here every 1-1.5 s instead of 15-20 s, so five live signals come in seconds.
    let all = await until(async () => {
      const list = ofGateway(await events());
      return list.some(isLive) && list;
    });
    all = await until(async () => {
      const list = ofGateway(await events());
      return (list.some((e) => isLive(e) && e.event.type === 'machine.counter') || list.filter(isLive).length >= 5) && list;
    });
    // One gap-free sequence from the first backfilled signal to the live ones, in time order.
    expect(all.map((e) => e.event.seq)).toEqual(all.map((_, i) => i));
    expect(all.every((e, i) => i === 0 || e.event.ts >= all[i - 1]!.event.ts)).toBe(true);
    const counters = all.filter((e) => e.event.type === 'machine.counter').map((e) => ({ ts: e.event.ts, total: (e.event as { total: number }).total }));
    const lastBackfilled = counters.filter((c) => c.ts <= doneAt).at(-1)!;
    const firstLive = counters.find((c) => c.ts > doneAt + 500);
    if (firstLive) {
      // The live machine continues the backfilled one's counters.
      expect(firstLive.total).toBeGreaterThanOrEqual(lastBackfilled.total);
    } else {
      // No count while it stands: the machine the simulator took over is not running.
      const lastState = all.filter((e) => e.event.type === 'machine.state').at(-1);
      expect((lastState?.event as { state?: string } | undefined)?.state).not.toBe('running');
    }
    // The device record follows (ingest updates it after each commit).
    await until(async () => ((await service!.storage.getDevice('sim-gw-a'))?.lastSeq ?? -1) >= all.length - 1);
    expect(await service!.storage.listDeadLetters(10)).toEqual([]);
  }, 60_000);

  it('does not backfill again on a later start; the gateway sequence continues', async () => {
    await service!.close();
    const before = await (async () => {
      const s = await start();
      return (await s.storage.listEvents({ limit: 1_000_000 })).events;
    })();
    const lastSeq = Math.max(...before.filter((e) => e.event.deviceId === 'sim-gw-a').map((e) => e.event.seq));
    const next = await until(async () => (await events()).find((e) => e.event.deviceId === 'sim-gw-a' && e.event.seq > lastSeq));
    expect(next.event.seq).toBe(lastSeq + 1);
    expect(logs.some((l) => l.includes('demo backfill'))).toBe(false);
    expect((await events()).length - before.length).toBeLessThan(100);
  });
});

describe('--demo first start cut short', () => {
  it('resumes the backfill over the same window on the next start: no copies, one gap-free sequence per device', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'floorboard-backfill-cut-'));
    const logs: string[] = [];
    const start = () =>
      startService(configSchema.parse({ port: 0, mqttTcpPort: 0, host: '127.0.0.1', plantFile: FIXTURE_PLANT, dataDir, staticDir: join(dataDir, 'no-dist'), isDemo: true, demoBackfillDays: 28 }), {
        logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }),
        hasDefaultMetrics: false,
        simTickMs: 200,
      });
    let s = await start();
    try {
      await until(async () => logs.some((l) => l.includes('demo backfill: 20 %')));
      await s.close();
      s = await start();
      await until(async () => (await s.storage.getDevice(BACKFILL_DEVICE))?.lastSeq === 0, 60_000);
      expect(logs.some((l) => l.includes('(resuming)'))).toBe(true);
      const stored = (await s.storage.listEvents({ limit: 1_000_000 })).events;
      expect(new Set(stored.map((e) => e.event.id)).size).toBe(stored.length);
      const first = Math.min(...stored.map((e) => e.event.ts));
      expect(Date.now() - first).toBeGreaterThan(28 * DAY_MS);
      for (const device of ['sim-gw-a', 'sim-tablet-line-a']) {
        const seqs = stored.filter((e) => e.event.deviceId === device).map((e) => e.event.seq).sort((a, b) => a - b);
        expect(seqs.length).toBeGreaterThan(10);
        expect(seqs.every((seq, i) => seq === i), device).toBe(true);
      }
    } finally {
      await s.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

