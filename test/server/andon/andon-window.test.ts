import { rm } from 'node:fs/promises';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { andonCallsSchema } from '../../../src/core/contracts/andon.ts';
import { countEvent, fixtureLogin, loginAll, publish, SITE, startHarness, type Harness } from '../support/service-harness.ts';
import { andonPlant, startReceiver, until, WEBHOOK_SECRET, WEBHOOK_SECRET_ENV } from './andon-rig.ts';

const MIN = 60_000;
const lineA = `floorboard/v1/${SITE}/assembly/line-a`;

/**
 * The lead's line view lists the calls of the shift picked (GET /api/andon/calls?from&to&overlapping=1):
 * raised in it, or raised before it and open in it; never a call raised after it (today's open calls
 * on a past shift).
 */
describe('andon calls of a window, through the service\'s API', () => {
  let h: Harness;
  let dir: string;
  let tablet: MqttClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let auth: Record<'lead', { authorization: string }>;

  beforeAll(async () => {
    process.env[WEBHOOK_SECRET_ENV] = WEBHOOK_SECRET;
    receiver = await startReceiver();
    const plant = await andonPlant([{ id: 'material', areas: ['assembly'], trigger: { kind: 'button' }, call: 'material', acknowledgedBy: ['lead', 'operator'], escalation: [{ afterSec: 0, notify: ['logistics'] }] }], receiver.url);
    dir = plant.dir;
    h = await startHarness({ plantFile: plant.file });
    ({ auth } = await loginAll(h, { lead: fixtureLogin('lead-a', 'board-aw') }));
    const t = await h.login(fixtureLogin('op-a', 'tab-aw'));
    tablet = await h.connect('op-a', t.token, 'tab-aw');
  });
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const calls = async (query: string) => andonCallsSchema.parse(await (await h.http(`/api/andon/calls${query}`, { headers: auth.lead })).json()).calls;
  const button = (ts: number, note: string) =>
    publish(tablet, `${lineA}/station/a1/events`, JSON.stringify({ events: [countEvent({ deviceId: 'tab-aw', author: 'op-a', ts, type: 'andon.raise', kind: 'material', trigger: 'button', cause: `button|tab-aw|${note}`, note, productId: undefined, good: undefined, reject: undefined })] }));

  it('gives a past window its calls: raised in it, or raised before and resolved after its start; not a call raised since', async () => {
    const now = Date.now();
    const [from, to] = [now - 120 * MIN, now - 60 * MIN];
    await button(now - 180 * MIN, 'before');
    await button(now - 90 * MIN, 'inside');
    await button(now - 1 * MIN, 'today');
    const open = await until(() => calls(''), (cs) => cs.length === 3, 5000, 'three open calls');
    const before = open.find((c) => c.note === 'before')!;
    // Resolved now: it was open all through the window.
    const resolved = await h.http(`/api/andon/calls/${before.id}/resolve`, { method: 'POST', headers: { ...auth.lead, 'content-type': 'application/json' }, body: JSON.stringify({ note: 'coil brought' }) });
    expect(resolved.status).toBe(200);

    const past = await calls(`?from=${from}&to=${to}&overlapping=1`);
    expect(past.map((c) => c.note)).toEqual(['before', 'inside']);
    expect(past[0]!.resolved).toMatchObject({ how: 'hand' });
    // Without overlapping=1, a window still means the calls raised in it.
    expect((await calls(`?from=${from}&to=${to}`)).map((c) => c.note)).toEqual(['inside']);
    // A window from before the first call to now has all three; one that ended before "before" was raised has none.
    expect((await calls(`?from=${now - 240 * MIN}&to=${now + MIN}&overlapping=1`)).map((c) => c.note)).toEqual(['before', 'inside', 'today']);
    expect(await calls(`?from=${now - 300 * MIN}&to=${now - 200 * MIN}&overlapping=1`)).toEqual([]);
    // A window that starts after "before" was resolved: only the calls still open then.
    expect((await calls(`?from=${Date.now() + 1}&to=${Date.now() + 60 * MIN}&overlapping=1`)).map((c) => c.note)).toEqual(['inside', 'today']);
  });

  it('refuses an overlapping value other than 0 or 1 with a precise message, rather than ignoring it', async () => {
    const now = Date.now();
    const bad = await h.http(`/api/andon/calls?from=${now - 60 * MIN}&to=${now}&overlapping=yes`, { headers: auth.lead });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/overlapping: must be 0 or 1/);
    expect((await h.http(`/api/andon/calls?from=${now - 60 * MIN}&to=${now}&overlapping=0`, { headers: auth.lead })).status).toBe(200);
  });
});
