import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineModel, seededRandom } from '../../../src/server/sim/machine-model.ts';
import { startHarness, type Harness } from '../service-harness.ts';

describe('demo machine model', () => {
  const profile = { products: [{ productId: 'widget', idealCycleTimeSec: 2 }, { productId: 'gadget', idealCycleTimeSec: 3 }] };
  const day = (seed: number) => {
    const start = Date.UTC(2026, 0, 5, 6);
    const m = new MachineModel(profile, seededRandom(seed), start);
    const states: string[] = [];
    let last = { total: 0, rejectTotal: 0, productId: '' };
    for (let t = start + 5000; t <= start + 16 * 3600_000; t += 5000) {
      const tick = m.tick(t, 5000);
      if (tick.state) states.push(tick.state);
      last = tick;
    }
    return { states, last };
  };

  it('is deterministic for a seed', () => {
    expect(day(7)).toEqual(day(7));
    expect(day(7)).not.toEqual(day(8));
  });

  it('has small stops, failures, changeovers and a realistic speed over two shifts', () => {
    const { states, last } = day(42);
    expect(states.filter((s) => s === 'stopped').length).toBeGreaterThan(50);
    expect(states).toContain('fault');
    expect(states).toContain('setup');
    // At most the ideal rate (16 h at 2-3 s a part), well above nothing.
    expect(last.total).toBeLessThan((16 * 3600) / 2);
    expect(last.total).toBeGreaterThan((16 * 3600) / 3 / 3);
    expect(last.rejectTotal / last.total).toBeGreaterThan(0.005);
    expect(last.rejectTotal / last.total).toBeLessThan(0.08);
  });
});

describe('--demo simulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ isDemo: true }, { simTickMs: 100 });
  });
  afterAll(async () => h?.close());

  it('publishes machine signals through the broker as a gateway, and they are ingested', async () => {
    const deadline = Date.now() + 5000;
    let stored: { event: { type: string; author: string; stationId: string } }[] = [];
    while (Date.now() < deadline && stored.length < 5) {
      await new Promise((r) => setTimeout(r, 100));
      stored = (await h.service.storage.listEvents()).events;
    }
    expect(stored.length).toBeGreaterThanOrEqual(5);
    expect(stored.every((e) => e.event.author === 'gw-a' && e.event.stationId === 'a1')).toBe(true);
    expect(stored.map((e) => e.event.type)).toContain('machine.counter');
    expect(await h.service.storage.listDeadLetters(10)).toEqual([]);
  });

  it("claims the simulated gateway's device id: nobody else signs in with it", async () => {
    const res = await h.http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'badge', badge: '1001', pin: '1234', deviceId: 'sim-gw-a' }) });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'forbidden', message: 'device "sim-gw-a" belongs to gateway "gw-a": sign in on your own device' } });
  });
});
