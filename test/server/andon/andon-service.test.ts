import { rm } from 'node:fs/promises';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvent, loginAll, nextMessage, publish, SITE, startHarness, subscribe, type Harness, fixtureLogin } from '../support/service-harness.ts';
import { plantSchema } from '../../../src/core/plant.schema.ts';
import { lineAndonSchema } from '../../../src/core/andon/call-view.schema.ts';
import { andonCallsSchema } from '../../../src/core/contracts/andon.ts';
import { andonPlant, startReceiver, until, WEBHOOK_SECRET, WEBHOOK_SECRET_ENV } from './andon-rig.ts';

const lineA = `floorboard/v1/${SITE}/assembly/line-a`;
const signal = (over: Record<string, unknown>) => JSON.stringify({ events: [countEvent({ deviceId: 'gw-an', author: 'gw-a', productId: undefined, good: undefined, reject: undefined, ...over })] });

interface CallRow { id: string; kind: string; trigger: string; level: number; ack: { by: string; name: string; from: string } | null; resolved: { how: string } | null; mayAnswer: boolean; isLate: boolean; note: string | null }

describe('andon in the service: rules on the live fold, calls as events, retained state, webhooks, API', () => {
  let h: Harness;
  let dir: string;
  let gw: MqttClient;
  let dash: MqttClient;
  let tablet: MqttClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let auth: Record<'lead' | 'op' | 'mgr' | 'admin', { authorization: string }>;

  beforeAll(async () => {
    process.env[WEBHOOK_SECRET_ENV] = WEBHOOK_SECRET;
    receiver = await startReceiver();
    const plant = await andonPlant(
      [
        { id: 'stop-long', lines: ['line-a'], trigger: { kind: 'stop', afterSec: 1 }, call: 'maintenance', acknowledgedBy: ['lead'], escalation: [{ afterSec: 0, notify: ['maintenance'] }, { afterSec: 2, notify: ['lead'] }] },
        { id: 'material', areas: ['assembly'], trigger: { kind: 'button' }, call: 'material', acknowledgedBy: ['lead', 'operator'], escalation: [{ afterSec: 0, notify: ['logistics'] }] },
      ],
      receiver.url,
    );
    dir = plant.dir;
    h = await startHarness({ plantFile: plant.file });
    ({ auth } = await loginAll(h, {
      lead: fixtureLogin('lead-a', 'board-an'),
      op: fixtureLogin('op-a', 'tab-an'),
      mgr: fixtureLogin('mgr', 'mgr-an'),
      admin: fixtureLogin('admin', 'adm-an'),
    }));
    const g = await h.login(fixtureLogin('gw-a', 'gw-an'));
    gw = await h.connect('gw-a', g.token, 'gw-an');
    const m = await h.login(fixtureLogin('mgr', 'dash-an'));
    dash = await h.connect('mgr', m.token, 'dash-an');
    const t = await h.login(fixtureLogin('op-a', 'tab-an2'));
    tablet = await h.connect('op-a', t.token, 'tab-an2');
    expect(await subscribe(dash, `${lineA}/andon`)).toBe(1);
    expect(await subscribe(dash, `${lineA}/andon/calls`)).toBe(1);
    // The tablet shows its station's calls from its line's andon state: its operator reads it like the line's status.
    expect(await subscribe(tablet, `${lineA}/andon`)).toBe(1);
  });
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  // Parsed with the contract the dashboards parse with (src/core/contracts/andon.ts).
  const calls = async (who: keyof typeof auth, query = '') => andonCallsSchema.parse(await (await h.http(`/api/andon/calls${query}`, { headers: auth[who] })).json()).calls as CallRow[];
  const post = (who: keyof typeof auth, path: string, body: unknown) => h.http(path, { method: 'POST', headers: { ...auth[who], 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('gives each reader the plant with its andon rules cut to the lines they see, and no webhooks, so it stays valid for them', async () => {
    const pack = await h.login({ kind: 'password', userId: 'mgr-pack', password: 'mgr-pass', deviceId: 'pack-an' });
    const raw = (await (await h.http('/api/plant', { headers: { authorization: `Bearer ${pack.token}` } })).json()) as Record<string, unknown>;
    // The packing manager sees neither line-a nor assembly: both rules are left out (the dashboards parse it with the plant's schema).
    const plant = plantSchema.parse({ ...raw, users: [] });
    expect(plant.andon).toEqual({ rules: [], webhooks: [] });
    const lead = plantSchema.parse({ ...((await (await h.http('/api/plant', { headers: auth.lead })).json()) as object), users: [] });
    expect(lead.andon.rules.map((r) => [r.id, r.lines ?? null, r.areas ?? null])).toEqual([['stop-long', ['line-a'], null], ['material', null, ['assembly']]]);
    expect(lead.andon.webhooks).toEqual([]);
  });

  it('raises a call within 1 s of the stop passing its threshold, retained on the line\'s andon topic and signed to the webhook', async () => {
    const stoppedAt = Date.now();
    await publish(gw, `${lineA}/station/a1/signals`, signal({ type: 'machine.state', state: 'fault', ts: stoppedAt }));
    const state = await nextMessage<{ calls: CallRow[] }>(dash, `${lineA}/andon`, 5000, (s) => s.calls.length > 0);
    const raisedAfter = Date.now() - stoppedAt;
    expect(raisedAfter).toBeGreaterThanOrEqual(1000);
    expect(raisedAfter).toBeLessThan(2000);
    expect(state.calls[0]).toMatchObject({ kind: 'maintenance', trigger: 'stop', level: 1, ack: null, acknowledgedBy: ['lead'] });
    // Every screen parses the retained state with core's schema: the service must send exactly that.
    expect(lineAndonSchema.safeParse(state).success).toBe(true);
    const hook = await until(() => receiver.received.find((r) => r.body.change === 'raised'), (r) => r !== undefined, 3000, 'webhook raised');
    expect(hook!.signatureProblem).toBeNull();
    expect(hook!.body.call.kind).toBe('maintenance');
  });

  it('escalates the unacknowledged call to level 2 on time, then the lead (per rule) acknowledges it once', async () => {
    const [call] = await until(() => calls('lead'), (cs) => cs[0]?.level === 2, 4000, 'level 2');
    expect(call!.mayAnswer).toBe(true);
    expect(receiver.received.some((r) => r.body.change === 'escalated' && r.body.call.level === 2)).toBe(true);
    // The rule names leads: an operator and a manager may not acknowledge this one.
    expect((await post('op', `/api/andon/calls/${call!.id}/ack`, { from: 'tablet' })).status).toBe(403);
    expect((await post('mgr', `/api/andon/calls/${call!.id}/ack`, { from: 'board' })).status).toBe(403);
    const res = await post('lead', `/api/andon/calls/${call!.id}/ack`, { from: 'board' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as CallRow).ack).toMatchObject({ by: 'lead-a', from: 'board' });
    const again = await post('lead', `/api/andon/calls/${call!.id}/ack`, { from: 'board' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(/already acknowledged by/);
  });

  it('resolves the call by itself when the stop ends, and reports the response times', async () => {
    await publish(gw, `${lineA}/station/a1/signals`, signal({ type: 'machine.state', state: 'running', ts: Date.now() }));
    const change = await nextMessage<{ change: string; call: CallRow }>(dash, `${lineA}/andon/calls`, 3000, (m) => m.change === 'resolved');
    expect(change.call.resolved).toMatchObject({ how: 'auto' });
    expect(await calls('lead')).toEqual([]);
    const from = Date.now() - 3_600_000;
    const times = (await (await h.http(`/api/andon/response-times?from=${from}&to=${Date.now() + 1000}`, { headers: auth.lead })).json()) as { total: { calls: number; acknowledged: number; resolved: number; meanToAcknowledgeMs: number }; byLevel: { key: string }[] };
    expect(times.total).toMatchObject({ calls: 1, acknowledged: 1, resolved: 1 });
    expect(times.total.meanToAcknowledgeMs).toBeGreaterThan(2000);
    expect(times.byLevel.map((r) => r.key)).toEqual(['2']);
  });

  it('takes a tablet\'s call button through ingest; a late one is marked late; a hand resolve needs a note', async () => {
    const made = Date.now() - 60_000;
    await publish(tablet, `${lineA}/station/a1/events`, JSON.stringify({ events: [countEvent({ deviceId: 'tab-an2', author: 'op-a', ts: made, type: 'andon.raise', kind: 'material', trigger: 'button', cause: 'button|tab-an2|1', note: 'coil 4 empty', productId: undefined, good: undefined, reject: undefined })] }));
    const [call] = await until(() => calls('op'), (cs) => cs.length === 1, 3000, 'button call');
    expect(call).toMatchObject({ kind: 'material', trigger: 'button', note: 'coil 4 empty', isLate: true, mayAnswer: true });
    // A tablet may not write an ack itself: answers go through the API, as their author.
    await publish(tablet, `${lineA}/station/a1/events`, JSON.stringify({ events: [countEvent({ deviceId: 'tab-an2', author: 'op-a', type: 'andon.ack', callId: call!.id, from: 'tablet', productId: undefined, good: undefined, reject: undefined })] }));
    expect((await post('op', `/api/andon/calls/${call!.id}/resolve`, {})).status).toBe(400);
    expect((await post('op', `/api/andon/calls/${call!.id}/resolve`, { note: 'coil brought' })).status).toBe(200);
    expect(await calls('op')).toEqual([]);
    const [resolved] = await calls('op', `?from=${made - 1000}&to=${Date.now() + 1000}`).then((cs) => cs.filter((c) => c.kind === 'material'));
    expect(resolved).toMatchObject({ ack: null, resolved: { how: 'hand' } });
  });

  it("reads a button call its caller takes back on the tablet (the undo's void) as taken back by that operator, with the undo's reason; a lead's void of it does not", async () => {
    const raise = (note: string) => countEvent({ deviceId: 'tab-an2', author: 'op-a', type: 'andon.raise', kind: 'lead', trigger: 'button', cause: `button|tab-an2|${note}`, note, productId: undefined, good: undefined, reject: undefined });
    const voidOf = (id: string, over: Record<string, unknown> = {}) => countEvent({ deviceId: 'tab-an2', author: 'op-a', type: 'void', voids: id, reason: 'mistake', productId: undefined, good: undefined, reject: undefined, ...over });
    const kept = raise('kept');
    const mistaken = raise('mistaken');
    await publish(tablet, `${lineA}/station/a1/events`, JSON.stringify({ events: [kept, mistaken] }));
    await until(() => calls('op'), (cs) => cs.filter((c) => c.kind === 'lead').length === 2, 3000, 'two button calls');
    // A lead voids one on the line's corrections topic: a correction of the log, not the caller taking it back.
    const l = await h.login(fixtureLogin('lead-a', 'lead-tab-an'));
    const lead = await h.connect('lead-a', l.token, 'lead-tab-an');
    await publish(lead, `${lineA}/corrections`, JSON.stringify({ events: [voidOf(kept.id as string, { deviceId: 'lead-tab-an', author: 'lead-a', reason: 'wrong' })] }));
    await lead.endAsync();
    // The caller takes the other back from the tablet it was made on: the undo's void. The line's andon state then leaves it out.
    const state = nextMessage<{ calls: CallRow[] }>(dash, `${lineA}/andon`, 5000, (s) => !s.calls.some((c) => c.id === mistaken.id));
    await publish(tablet, `${lineA}/station/a1/events`, JSON.stringify({ events: [voidOf(mistaken.id as string)] }));
    const open = await until(() => calls('op'), (cs) => cs.filter((c) => c.kind === 'lead').length === 1, 3000, 'the taken-back call resolved');
    expect(open.map((c) => c.id)).toEqual([kept.id]);
    const voids = (await h.service.storage.listEvents({ types: ['void'] })).events.map((r) => r.event);
    expect(voids.map((e) => e.type === 'void' && [e.voids, e.author])).toEqual(expect.arrayContaining([[kept.id, 'lead-a'], [mistaken.id, 'op-a']]));
    // The void is the take-back: no resolve is written for it.
    const stored = (await h.service.storage.listEvents({ types: ['andon.resolve'] })).events.map((r) => r.event).filter((e) => e.type === 'andon.resolve' && e.callId === mistaken.id);
    expect(stored).toEqual([]);
    const [back] = (await calls('op', `?from=${(mistaken.ts as number) - 1000}&to=${Date.now() + 1000}`)).filter((c) => c.id === mistaken.id);
    expect(back).toMatchObject({ resolved: { how: 'taken-back' } });
    expect((await state).calls.map((c) => c.id)).toContain(kept.id);
  });

  it('keeps the delivery log per call and lists every delivery to an admin only', async () => {
    const all = (await (await h.http('/api/andon/deliveries', { headers: auth.admin })).json()) as { deliveries: { callId: string; state: string }[] };
    expect(all.deliveries.length).toBeGreaterThanOrEqual(4);
    expect(all.deliveries.every((d) => d.state === 'delivered')).toBe(true);
    expect((await h.http('/api/andon/deliveries', { headers: auth.lead })).status).toBe(403);
    const one = (await (await h.http(`/api/andon/deliveries?call=${all.deliveries[0]!.callId}`, { headers: auth.lead })).json()) as { deliveries: unknown[] };
    expect(one.deliveries.length).toBeGreaterThan(0);
  });
});
