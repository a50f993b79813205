import { rm } from 'node:fs/promises';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackSchema } from '../../../src/core/events.schema.ts';
import { countEvent, loginAll, nextMessage, publish, publishIsRefused, SITE, startHarness, subscribe, type Harness } from '../support/service-harness.ts';
import { andonPlant, startReceiver, until, WEBHOOK_SECRET, WEBHOOK_SECRET_ENV } from './andon-rig.ts';

const root = `floorboard/v1/${SITE}`;
const lineA = `${root}/assembly/line-a`;
const lineB = `${root}/assembly/line-b`;

interface CallRow { id: string; lineId: string; ack: unknown; resolved: unknown }

/**
 * An operator of line A (op-a, stations a1 and a2) with its real credentials tries the andon of
 * line B: its topics on the real embedded broker, forged answers through ingest, and the API.
 */
describe('a hostile operator against another line\'s andon', () => {
  let h: Harness;
  let dir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let tokens: Record<'opA' | 'opB', string>;
  let auth: Record<'opA' | 'opB', { authorization: string }>;
  let callB: CallRow;
  let watcher: MqttClient;

  const opA = () => h.connect('op-a', tokens.opA, 'tab-ha');
  const event = (over: Record<string, unknown>) => countEvent({ deviceId: 'tab-ha', author: 'op-a', productId: undefined, good: undefined, reject: undefined, ...over });
  const calls = async (who: 'opA' | 'opB') => ((await (await h.http('/api/andon/calls', { headers: auth[who] })).json()) as { calls: CallRow[] }).calls;
  const andonEvents = async () => (await h.service.storage.listEvents({ types: ['andon.ack', 'andon.resolve', 'andon.escalate', 'andon.raise'] })).events;

  beforeAll(async () => {
    process.env[WEBHOOK_SECRET_ENV] = WEBHOOK_SECRET;
    receiver = await startReceiver();
    const plant = await andonPlant([{ id: 'help', trigger: { kind: 'button' }, call: 'lead', acknowledgedBy: ['operator', 'lead'], escalation: [{ afterSec: 0, notify: ['lead'] }] }], receiver.url);
    dir = plant.dir;
    h = await startHarness({ plantFile: plant.file });
    ({ tokens, auth } = await loginAll(h, { opA: { kind: 'badge', badge: '1001', pin: '1234', deviceId: 'tab-ha' }, opB: { kind: 'badge', badge: '1002', pin: '2345', deviceId: 'tab-hb' } }));
    // Line B's operator presses its call button: the call the hostile client goes after.
    const b = await h.connect('op-b', tokens.opB, 'tab-hb');
    await publish(b, `${lineB}/station/b1/events`, JSON.stringify({ events: [countEvent({ deviceId: 'tab-hb', author: 'op-b', lineId: 'line-b', stationId: 'b1', type: 'andon.raise', kind: 'lead', trigger: 'button', cause: 'button|tab-hb|1', productId: undefined, good: undefined, reject: undefined })] }));
    [callB] = (await until(() => calls('opB'), (cs) => cs.length === 1, 5000, 'line B call')) as [CallRow];
    const m = await h.login({ kind: 'password', userId: 'mgr', password: 'mgr-pass', deviceId: 'dash-ha' });
    watcher = await h.connect('mgr', m.token, 'dash-ha');
    expect(await subscribe(watcher, `${lineB}/andon`)).toBe(1);
  });
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('cannot subscribe to line B\'s andon topics, nor to every line\'s by wildcard; its own line\'s it may read', async () => {
    const c = await opA();
    expect(await subscribe(c, `${lineB}/andon`)).toBe(128);
    expect(await subscribe(c, `${lineB}/andon/calls`)).toBe(128);
    expect(await subscribe(c, `${lineB}/andon/#`)).toBe(128);
    expect(await subscribe(c, `${root}/+/+/andon`)).toBe(128);
    expect(await subscribe(c, `${root}/+/+/andon/calls`)).toBe(128);
    expect(await subscribe(c, `${lineA}/andon`)).toBe(1);
    expect(await subscribe(c, `${lineA}/andon/calls`)).toBe(1);
    c.end(true);
  });

  it.each([
    ['line B\'s retained andon state', `${lineB}/andon`],
    ['line B\'s andon changes', `${lineB}/andon/calls`],
    ['its own line\'s retained andon state', `${lineA}/andon`],
    ['its own line\'s andon changes', `${lineA}/andon/calls`],
  ])('is cut off when it publishes to %s, and the state stays the service\'s', async (_name, topic) => {
    const c = await opA();
    const fake = JSON.stringify({ v: 1, lineId: 'line-b', at: Date.now(), calls: [] });
    expect(await publishIsRefused(c, topic, fake)).toBe(true);
    // A new subscriber still gets the service's retained state: line B's one open call.
    const reader = await h.connect('mgr', (await h.login({ kind: 'password', userId: 'mgr', password: 'mgr-pass', deviceId: 'dash-hb' })).token, 'dash-hb');
    const retained = nextMessage<{ calls: CallRow[] }>(reader, `${lineB}/andon`, 3000);
    expect(await subscribe(reader, `${lineB}/andon`)).toBe(1);
    expect((await retained).calls.map((x) => x.id)).toEqual([callB.id]);
    reader.end(true);
  });

  it('cannot forge an ack or a resolve of line B\'s call through ingest, on its own station or on line B\'s', async () => {
    const c = await opA();
    const ackTopic = `${root}/_ack/tab-ha`;
    expect(await subscribe(c, ackTopic)).toBe(1);
    const forged = [
      event({ type: 'andon.ack', callId: callB.id, from: 'tablet' }),
      event({ type: 'andon.resolve', callId: callB.id, how: 'hand', note: 'not mine' }),
      event({ type: 'andon.ack', callId: callB.id, from: 'tablet', lineId: 'line-b', stationId: 'b1' }),
      event({ type: 'correction', targetId: callB.id, replacement: { type: 'andon.resolve', callId: callB.id, how: 'auto' } }),
    ];
    // One batch each: a batch is refused whole, so each forgery shows its own reason.
    const reasons: string[] = [];
    for (const e of forged) {
      const ack = nextMessage<unknown>(c, ackTopic, 5000, (x) => JSON.stringify(x).includes(e.id as string));
      await publish(c, `${lineA}/station/a1/events`, JSON.stringify({ events: [e] }));
      const answer = ackSchema.parse(await ack);
      expect(answer.accepted).toEqual([]);
      expect(answer.rejected.map((r) => r.id)).toEqual([e.id]);
      reasons.push(`${answer.rejected[0]!.code}: ${answer.rejected[0]!.message}`);
    }
    expect(reasons[0]).toMatch(/^not-allowed: "andon\.ack" is written by the service/);
    expect(reasons[1]).toMatch(/^not-allowed: "andon\.resolve" is written by the service/);
    expect(reasons[2]).toMatch(/^(not-allowed|topic-mismatch): .*"(line-b|b1)"/);
    expect(reasons[3]).toMatch(/^not-allowed: a correction is not allowed on a station's events topic/);
    c.end(true);
    // On line B's own topic the broker cuts it off before ingest sees anything.
    const d = await opA();
    const onB = event({ type: 'andon.ack', callId: callB.id, from: 'tablet', lineId: 'line-b', stationId: 'b1' });
    expect(await publishIsRefused(d, `${lineB}/station/b1/events`, JSON.stringify({ events: [onB] }))).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    const stored = await andonEvents();
    expect(stored.map((e) => e.event.type)).toEqual(['andon.raise']);
    expect((await calls('opB'))[0]).toMatchObject({ id: callB.id, ack: null, resolved: null });
  });

  it('cannot see, acknowledge, resolve or read the delivery log of line B\'s call through the API', async () => {
    expect(await calls('opA')).toEqual([]);
    const post = (path: string, body: unknown) => h.http(path, { method: 'POST', headers: { ...auth.opA, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(`/api/andon/calls/${callB.id}/ack`, { from: 'tablet' })).status).toBe(404);
    expect((await post(`/api/andon/calls/${callB.id}/resolve`, { note: 'forged' })).status).toBe(404);
    expect((await h.http(`/api/andon/deliveries?call=${callB.id}`, { headers: auth.opA })).status).toBe(404);
    expect((await h.http('/api/andon/deliveries', { headers: auth.opA })).status).toBe(403);
    // Line B's own operator reads that log (the rule lets operators answer, within their stations).
    const log = (await (await h.http(`/api/andon/deliveries?call=${callB.id}`, { headers: auth.opB })).json()) as { deliveries: { channel: string }[] };
    expect(log.deliveries.map((x) => x.channel).sort()).toEqual(['mqtt', 'webhook']);
    expect((await andonEvents()).map((e) => e.event.type)).toEqual(['andon.raise']);
    expect((await calls('opB'))[0]).toMatchObject({ ack: null, resolved: null });
    watcher.end(true);
  });
});
