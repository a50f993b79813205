import { rm } from 'node:fs/promises';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackSchema, type Ack } from '../../../src/core/events.schema.ts';
import { andonCallsSchema } from '../../../src/core/contracts/andon.ts';
import { CALL_TAKE_BACK_MS } from '../../../src/core/andon/kinds.ts';
import { countEvent, fixtureLogin, loginAll, nextMessage, publish, SITE, startHarness, subscribe, type Harness } from '../support/service-harness.ts';
import { andonPlant, startReceiver, until, WEBHOOK_SECRET, WEBHOOK_SECRET_ENV } from './andon-rig.ts';

const root = `floorboard/v1/${SITE}`;
const lineA = `${root}/assembly/line-a`;
const eventsA1 = `${lineA}/station/a1/events`;
const TABLET = 'tab-tb';
/** The button rule's level 2 is due this long after the raise. */
const LEVEL_2_SEC = 3;

type Event = Record<string, unknown>;
const raise = (over: Event = {}): Event =>
  countEvent({ deviceId: TABLET, author: 'op-a', type: 'andon.raise', kind: 'maintenance', trigger: 'button', cause: `button|${TABLET}|${Math.random()}`, productId: undefined, good: undefined, reject: undefined, ...over });
const voidOf = (target: Event, over: Event = {}): Event => countEvent({ deviceId: TABLET, author: 'op-a', type: 'void', voids: target.id, reason: 'mistake', productId: undefined, good: undefined, reject: undefined, ...over });

// A call button its caller takes back (the tablet's undo: a void of the raise) is a state of the
// one fold: read from the void itself by the API, the response times, the engine and after a restart.
describe('andon: a call taken back by its caller (real service, real broker)', () => {
  let h: Harness;
  let dir: string;
  let tablet: MqttClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let auth: Record<'lead', { authorization: string }>;

  const connectTablet = async () => {
    const t = await h.login(fixtureLogin('op-a', TABLET));
    tablet = await h.connect('op-a', t.token, TABLET);
    expect(await subscribe(tablet, `${root}/_ack/${TABLET}`)).toBe(1);
  };
  /** Publishes a batch from the tablet and resolves the ack that settles its first event. */
  const send = async (events: Event[]): Promise<Ack> => {
    const first = events[0]!.id as string;
    const ack = nextMessage<unknown>(tablet, `${root}/_ack/${TABLET}`, 5000, (a) => JSON.stringify(a).includes(first));
    await publish(tablet, eventsA1, JSON.stringify({ events }));
    return ackSchema.parse(await ack);
  };
  const callsIn = async (from: number) => andonCallsSchema.parse(await (await h.http(`/api/andon/calls?from=${from}&to=${Date.now() + 1000}`, { headers: auth.lead })).json()).calls;
  const openCalls = async () => andonCallsSchema.parse(await (await h.http('/api/andon/calls', { headers: auth.lead })).json()).calls;

  beforeAll(async () => {
    process.env[WEBHOOK_SECRET_ENV] = WEBHOOK_SECRET;
    receiver = await startReceiver();
    const plant = await andonPlant(
      [{ id: 'button', lines: ['line-a'], trigger: { kind: 'button' }, call: 'maintenance', acknowledgedBy: ['lead'], escalation: [{ afterSec: 0, notify: ['maintenance'] }, { afterSec: LEVEL_2_SEC, notify: ['lead'] }] }],
      receiver.url,
    );
    dir = plant.dir;
    h = await startHarness({ plantFile: plant.file });
    ({ auth } = await loginAll(h, { lead: fixtureLogin('lead-a', 'board-tb') }));
    await connectTablet();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a taken-back call as taken back in /api/andon/calls, writes no resolve for it, and leaves it out of the response times', async () => {
    const from = Date.now() - 1000;
    // One call answered by the lead, one taken back by its caller.
    const answered = raise();
    const mistaken = raise();
    expect((await send([answered, mistaken])).accepted).toEqual([answered.id, mistaken.id]);
    await until(openCalls, (cs) => cs.length === 2, 3000, 'two calls');
    const res = await h.http(`/api/andon/calls/${answered.id}/resolve`, { method: 'POST', headers: { ...auth.lead, 'content-type': 'application/json' }, body: JSON.stringify({ note: 'fixed' }) });
    expect(res.status).toBe(200);
    const undo = voidOf(mistaken);
    expect((await send([undo])).accepted).toEqual([undo.id]);
    await until(openCalls, (cs) => cs.length === 0, 3000, 'no open call');

    const byId = new Map((await callsIn(from)).map((c) => [c.id, c]));
    expect(byId.get(mistaken.id as string)).toMatchObject({ resolved: { how: 'taken-back', by: 'op-a', at: undo.ts, note: 'mistake' }, toAcknowledgeMs: null, toResolveMs: null });
    expect(byId.get(answered.id as string)).toMatchObject({ resolved: { how: 'hand', by: 'lead-a', note: 'fixed' } });
    // The void is the take-back: no resolve is written for it (nothing to lose if the service stops).
    const resolves = (await h.service.storage.listEvents({ types: ['andon.resolve'] })).events.map((r) => r.event);
    expect(resolves.filter((e) => e.type === 'andon.resolve' && e.callId === mistaken.id)).toEqual([]);

    const times = (await (await h.http(`/api/andon/response-times?from=${from}&to=${Date.now() + 1000}`, { headers: auth.lead })).json()) as { total: { calls: number; takenBack: number; resolved: number } };
    expect(times.total).toMatchObject({ calls: 1, takenBack: 1, resolved: 1 });
  });

  it('refuses an undo of a call raised over 10 minutes before it, with a message saying so, and takes one within', async () => {
    const old = raise({ ts: Date.now() - CALL_TAKE_BACK_MS - 60_000 });
    const recent = raise({ ts: Date.now() - CALL_TAKE_BACK_MS + 60_000 });
    expect((await send([old, recent])).accepted).toEqual([old.id, recent.id]);
    const late = voidOf(old);
    const ack = await send([late]);
    expect(ack.accepted).toEqual([]);
    expect(ack.rejected).toEqual([{ index: 0, id: late.id, code: 'not-allowed', message: `call "${old.id}" was raised 11 min before this undo: a call is taken back only within 10 min of raising it; after that it is resolved by whoever answers it` }]);
    const inTime = voidOf(recent);
    expect((await send([inTime])).accepted).toEqual([inTime.id]);
    const open = await until(openCalls, (cs) => !cs.some((c) => c.id === recent.id), 3000, 'the recent call taken back');
    expect(open.map((c) => c.id)).toContain(old.id);
    // The old call stays to be answered: resolved by the lead, so the next test starts clean.
    await h.http(`/api/andon/calls/${old.id}/resolve`, { method: 'POST', headers: { ...auth.lead, 'content-type': 'application/json' }, body: JSON.stringify({ note: 'done' }) });
  });

  it('keeps a call whose void was stored just before the service stopped taken back after the restart: not open, not escalated, not in the line state', async () => {
    const call = raise();
    expect((await send([call])).accepted).toEqual([call.id]);
    await until(openCalls, (cs) => cs.some((c) => c.id === call.id), 3000, 'the call');
    await until(() => receiver.received.filter((r) => r.body.call.id === call.id), (rs) => rs.some((r) => r.body.change === 'raised'), 3000, 'webhook raised');
    // The undo's void is stored, and the service stops before anything else happens (a crash after the commit).
    const undo = voidOf(call) as never as import('../../../src/core/events.schema.ts').FloorEvent;
    await h.service.storage.insertEvents([{ event: undo, receivedAt: Date.now(), clockOffsetMs: 0, correctedTs: undo.ts, topic: eventsA1 }]);
    await tablet.endAsync();
    await h.restart();
    await connectTablet();

    expect((await openCalls()).map((c) => c.id)).not.toContain(call.id);
    const [read] = (await callsIn(call.ts as number - 1000)).filter((c) => c.id === call.id);
    expect(read).toMatchObject({ resolved: { how: 'taken-back', by: 'op-a', note: 'mistake' }, level: 1 });
    // The retained line state leaves it out.
    const dash = await h.connect('lead-a', (await h.login(fixtureLogin('lead-a', 'dash-tb'))).token, 'dash-tb');
    const retained = nextMessage<{ calls: { id: string }[] }>(dash, `${lineA}/andon`, 3000);
    expect(await subscribe(dash, `${lineA}/andon`)).toBe(1);
    const state = await retained;
    expect(state.calls.map((c) => c.id)).not.toContain(call.id);
    await dash.endAsync();
    // Past its level 2: no escalation is written or delivered for a call taken back.
    await new Promise((r) => setTimeout(r, (LEVEL_2_SEC + 1.5) * 1000));
    const escalations = (await h.service.storage.listEvents({ types: ['andon.escalate'] })).events.map((r) => r.event);
    expect(escalations.filter((e) => e.type === 'andon.escalate' && e.callId === call.id)).toEqual([]);
    expect(receiver.received.filter((r) => r.body.call.id === call.id && r.body.change === 'escalated')).toEqual([]);
  }, 30_000);
});
