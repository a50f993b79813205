import { afterEach, describe, expect, it } from 'vitest';
import { countEvent, fixtureLogin, loginAll, publish, startHarness, topicA1, type Harness } from '../support/service-harness.ts';

const HOUR = 3600_000;

describe('recomputing stored history under a new plant version: explicit, previewed, logged', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('a new ideal cycle time counting from an earlier hour leaves the stored hours as they were; the admin previews the figures that would change, applies, and the action is logged', async () => {
    h = await startHarness({}, { bucketFlushMs: 200 });
    const { auth, tokens } = await loginAll(h, { admin: fixtureLogin('admin', 'adm-rc'), lead: fixtureLogin('lead-a', 'lead-rc'), op: fixtureLogin('op-a', 'tab-1') });
    const hour = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
    const tablet = await h.connect('op-a', tokens.op, 'tab-1');
    await publish(tablet, topicA1, JSON.stringify({ events: [countEvent({ ts: hour + 40 * 60_000, good: 300, reject: 0 })] }));
    const hourly = async () => {
      const body = (await (await h.http(`/api/oee/hourly?from=${hour}&to=${hour + HOUR}&line=line-a`, { headers: auth.lead })).json()) as { lines: { buckets: { start: number; good: number; idealMs: number }[] }[] };
      return body.lines[0]!.buckets.find((b) => b.start === hour) ?? null;
    };
    await expect.poll(async () => (await hourly())?.good, { timeout: 10_000 }).toBe(300);
    const before = (await hourly())!.idealMs;
    expect(before).toBe(300 * 2000);

    const current = (await (await h.http('/api/admin/plant', { headers: auth.admin })).json()) as { plant: { areas: { lines: { id: string; products: { productId: string; idealCycleTimeSec: number }[] }[] }[] } };
    const line = current.plant.areas[0]!.lines.find((l) => l.id === 'line-a')!;
    line.products.find((p) => p.productId === 'widget')!.idealCycleTimeSec = 1;
    const putPlant = (body: object) => h.http('/api/admin/plant', { method: 'PUT', headers: { ...auth.admin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // The new tooling has run since that hour: the version counts from it.
    expect((await putPlant({ plant: current.plant, reason: 'new tooling', effectiveFrom: hour })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 600));
    // History is not rewritten by a new version: the stored hour keeps the ideal time it was computed with.
    expect((await hourly())!.idealMs).toBe(before);

    const post = (path: string, who: 'admin' | 'lead', body: unknown) => h.http(path, { method: 'POST', headers: { ...auth[who], 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const window = { from: hour, to: hour + HOUR, lineIds: ['line-a'] };
    expect((await post('/api/admin/recompute/preview', 'lead', window)).status).toBe(403);
    const preview = (await (await post('/api/admin/recompute/preview', 'admin', window)).json()) as { isApplied: boolean; plantVersion: number; lines: { lineId: string; stored: { performance: number }; recomputed: { performance: number }; hours: number }[] };
    expect(preview).toMatchObject({ isApplied: false, plantVersion: 2, lines: [{ lineId: 'line-a', hours: 1 }] });
    expect(preview.lines[0]!.recomputed.performance).toBeCloseTo(preview.lines[0]!.stored.performance / 2, 6);
    expect((await hourly())!.idealMs).toBe(before);

    expect((await post('/api/admin/recompute', 'admin', window)).status).toBe(400);
    const applied = await post('/api/admin/recompute', 'admin', { ...window, reason: 'new tooling since Monday' });
    expect(applied.status).toBe(200);
    expect((await hourly())!.idealMs).toBe(300 * 1000);
    // The stored hour and the engine over its events now agree.
    const oee = (await (await h.http(`/api/oee?from=${hour}&to=${hour + HOUR}&line=line-a`, { headers: auth.lead })).json()) as { lines: { total: { idealMs: number } }[] };
    expect(oee.lines[0]!.total.idealMs).toBe(300 * 1000);
    const actions = (await (await h.http('/api/admin/actions', { headers: auth.admin })).json()) as { actions: { author: string; kind: string; reason: string; detail: string }[] };
    expect(actions.actions).toHaveLength(1);
    expect(actions.actions[0]).toMatchObject({ author: 'admin', kind: 'recompute-history', reason: 'new tooling since Monday' });
    expect(JSON.parse(actions.actions[0]!.detail)).toMatchObject({ from: hour, to: hour + HOUR, lineIds: ['line-a'], plantVersion: 2, hours: 1 });
  });
});
