import { afterEach, describe, expect, it } from 'vitest';
import { countEvent, fixtureLogin, loginAll, publish, SITE, startHarness, type Harness } from '../support/service-harness.ts';
import { andonCallsSchema } from '../../../src/core/contracts/andon.ts';

const lineA = `floorboard/v1/${SITE}/assembly/line-a`;
const signal = (over: Record<string, unknown>) => JSON.stringify({ events: [countEvent({ deviceId: 'gw-live', author: 'gw-a', productId: undefined, good: undefined, reject: undefined, ...over })] });

describe('a plant version applies to the running service without a restart', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('an andon rule added by an admin calls on the next long stop; removed again, the next stop calls nobody', async () => {
    h = await startHarness();
    const { auth } = await loginAll(h, { admin: fixtureLogin('admin', 'adm-live'), lead: fixtureLogin('lead-a', 'lead-live') });
    const put = async (plant: unknown, reason: string) =>
      h.http('/api/admin/plant', { method: 'PUT', headers: { ...auth.admin, 'content-type': 'application/json' }, body: JSON.stringify({ plant, reason }) });
    const current = (await (await h.http('/api/admin/plant', { headers: auth.admin })).json()) as { plant: Record<string, unknown> };
    const withRule = {
      ...current.plant,
      andon: { rules: [{ id: 'stop-live', lines: ['line-a'], trigger: { kind: 'stop', afterSec: 1 }, call: 'maintenance', acknowledgedBy: ['lead'], escalation: [{ afterSec: 0, notify: ['maintenance'] }] }], webhooks: [] },
    };
    expect((await put(withRule, 'call maintenance on long stops')).status).toBe(200);

    const g = await h.login(fixtureLogin('gw-a', 'gw-live'));
    const gw = await h.connect('gw-a', g.token, 'gw-live');
    const calls = async () => andonCallsSchema.parse(await (await h.http('/api/andon/calls', { headers: auth.lead })).json()).calls;
    await publish(gw, `${lineA}/station/a1/signals`, signal({ type: 'machine.state', state: 'running', ts: Date.now() - 60_000 }));
    await publish(gw, `${lineA}/station/a1/signals`, signal({ type: 'machine.state', state: 'stopped', ts: Date.now() }));
    await expect.poll(async () => (await calls()).map((c) => c.ruleId ?? c.kind), { timeout: 5000 }).toEqual(['stop-live']);

    // The stop ends, the call resolves; the rule goes, and the next long stop calls nobody.
    await publish(gw, `${lineA}/station/a1/signals`, signal({ type: 'machine.state', state: 'running', ts: Date.now() }));
    await expect.poll(async () => (await calls()).length, { timeout: 5000 }).toBe(0);
    expect((await put({ ...withRule, andon: { rules: [], webhooks: [] } }, 'no more calls')).status).toBe(200);
    await publish(gw, `${lineA}/station/a1/signals`, signal({ type: 'machine.state', state: 'stopped', ts: Date.now() }));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await calls()).toEqual([]);
  });
});
