import { loadavg } from 'node:os';
import { describe, expect, it } from 'vitest';
import { connectDevices, drained, login, LOGINS, percentile, report, scrape, SimDevice, sleep, startServiceProcess, tally, useChaosRig } from './support/chaos-kit.ts';

const TABLETS = 200;
const GATEWAYS = 50;
/** 3 minutes in CI; SOAK_MINUTES=60 for a long run. */
const MINUTES = Number(process.env.SOAK_MINUTES ?? 3);
/** Realistic rates: an operator taps about every 15 s while busy; a gateway reports every 5 s. */
const TAP_EVERY_MS = 15_000;
const GATEWAY_EVERY_MS = 5_000;
const SAMPLE_EVERY_MS = 5_000;
/** The first third (at most 2 minutes) warms up: JIT, caches, the first hourly buckets. */
const WARMUP_MS = Math.min(120_000, (MINUTES * 60_000) / 3);
const RSS = 'floorboard_process_resident_memory_bytes';
const HEAP = 'floorboard_nodejs_heap_size_used_bytes';
const LAG_P99 = 'floorboard_nodejs_eventloop_lag_p99_seconds';

const median = (values: number[]) => percentile(values, 50);

describe('soak', () => {
  const rig = useChaosRig('fb-chaos-soak-');

  it(`${TABLETS} tablets and ${GATEWAYS} gateways for ${MINUTES} min: memory flat after warm-up, event loop responsive`, async () => {
    const { dataDir, devices } = rig;
    // The live OEE at its default interval (5 s), as in a plant.
    const svc = (rig.svc = await startServiceProcess({ dataDir, env: { OEE_INTERVAL_MS: '5000' } }));
    const url = `mqtt://127.0.0.1:${svc.mqttPort}`;
    const tablets = Array.from({ length: TABLETS }, (_, i) => new SimDevice(`soak-tab-${i}`, 'tablet'));
    const gateways = Array.from({ length: GATEWAYS }, (_, i) => new SimDevice(`soak-gw-${i}`, 'gateway'));
    devices.push(...tablets, ...gateways);
    await connectDevices(svc.base, url, tablets, (d) => LOGINS.opA(d.deviceId));
    await connectDevices(svc.base, url, gateways, (d) => LOGINS.gw(d.deviceId));
    const admin = await login(svc.base, LOGINS.admin('soak-admin'));
    const from = Date.now() - 60_000;

    // Each device on its own timer, at a random phase, so the load is even.
    const timers = [
      ...tablets.map((d) => ({ d, every: TAP_EVERY_MS })),
      ...gateways.map((d) => ({ d, every: GATEWAY_EVERY_MS })),
    ].map(({ d, every }) => {
      let timer: NodeJS.Timeout;
      const first = setTimeout(() => {
        d.record();
        timer = setInterval(() => d.record(), every);
      }, Math.random() * every);
      return () => (clearTimeout(first), clearInterval(timer));
    });
    const samples: { at: number; rss: number; heap: number; lagP99: number }[] = [];
    const t0 = Date.now();
    const end = t0 + MINUTES * 60_000;
    while (Date.now() < end) {
      await sleep(SAMPLE_EVERY_MS);
      const m = await scrape(svc.base, [RSS, HEAP, LAG_P99]);
      samples.push({ at: Date.now() - t0, rss: m[RSS]!, heap: m[HEAP]!, lagP99: m[LAG_P99]! * 1000 });
    }
    for (const stop of timers) stop();
    await drained(devices, 60_000);

    const after = samples.filter((s) => s.at > WARMUP_MS);
    // Medians of the first and the last minute after warm-up (at most): GC saw-teeth cancel out.
    const span = Math.min(60_000, (MINUTES * 60_000 - WARMUP_MS) / 2);
    const early = after.filter((s) => s.at <= WARMUP_MS + span);
    const late = after.filter((s) => s.at > MINUTES * 60_000 - span);
    const growth = (pick: (s: (typeof samples)[number]) => number) => (median(late.map(pick)) / median(early.map(pick)) - 1) * 100;
    const lags = after.map((s) => s.lagP99);
    const t = await tally({ base: svc.base, dataDir, devices, from, adminToken: admin.token });
    const figures = {
      minutes: MINUTES,
      eventsPerSec: Math.round((t.sent / (MINUTES * 60)) * 10) / 10,
      rssEarlyMiB: Math.round(median(early.map((s) => s.rss)) / 2 ** 20),
      rssLateMiB: Math.round(median(late.map((s) => s.rss)) / 2 ** 20),
      rssGrowthPct: growth((s) => s.rss),
      heapEarlyMiB: Math.round(median(early.map((s) => s.heap)) / 2 ** 20),
      heapLateMiB: Math.round(median(late.map((s) => s.heap)) / 2 ** 20),
      heapGrowthPct: growth((s) => s.heap),
      lagP99MedianMs: median(lags),
      lagP99MaxMs: Math.max(...lags),
      // The machine's load: on a shared 2-core box a starved process shows lag it did not cause.
      loadAvg1m: loadavg()[0]!,
      ...t,
    };
    report('soak', figures);
    expect(t).toMatchObject({ lost: 0, doubledRows: 0, rejected: 0, oeeLost: 0, oeeDoubled: 0 });
    expect(figures.rssGrowthPct).toBeLessThan(10);
    expect(figures.heapGrowthPct).toBeLessThan(10);
    // The p99 of a typical 5 s interval (prom-client resets the delay histogram at each scrape);
    // the worst interval is printed beside it, with the load average it ran under.
    expect(figures.lagP99MedianMs).toBeLessThan(50);
  });
});
