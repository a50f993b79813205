import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { ackSchema, type Ack } from '../../../src/core/events.schema.ts';
import { countEvent, nextMessage, publish, SITE, startHarness, subscribe, type Harness, fixtureLogin } from '../support/service-harness.ts';

const root = `floorboard/v1/${SITE}`;
const lineA = `${root}/assembly/line-a`;
const eventsA1 = `${lineA}/station/a1/events`;

type Event = Record<string, unknown>;
const voidOf = (target: Event, over: Event = {}): Event => countEvent({ type: 'void', voids: target.id, reason: 'undo', productId: undefined, good: undefined, reject: undefined, ...over });
const correctionOf = (target: Event, over: Event = {}): Event =>
  countEvent({ type: 'correction', supersedes: target.id, reason: 'miscount', replacement: { type: 'count', productId: 'widget', good: 100_000, reject: 0 }, productId: undefined, good: undefined, reject: undefined, ...over });

// Defects 2 and 6 of issue 11, on the embedded broker: who may void and correct which entries,
// and whose name an entry may carry.
describe('who may void, correct and author entries (embedded broker)', () => {
  let h: Harness;
  const tokens: Record<string, string> = {};
  const clients: Record<string, MqttClient> = {};
  const devices = { op: 'tab-op', lead: 'tab-lead', gw: 'gw-auth' } as const;

  const connect = async (who: keyof typeof devices, user: string) => {
    clients[who] = await h.connect(user, tokens[who], devices[who]);
    expect(await subscribe(clients[who], `${root}/_ack/${devices[who]}`)).toBe(1);
    return clients[who];
  };
  /** Publishes a batch as `who` and resolves the ack that settles its first event. */
  const send = async (who: keyof typeof devices, topic: string, events: Event[]): Promise<Ack> => {
    const c = clients[who]!;
    const first = events[0]!.id as string;
    const ack = nextMessage<unknown>(c, `${root}/_ack/${devices[who]}`, 5000, (a) => JSON.stringify(a).includes(first));
    await publish(c, topic, JSON.stringify({ events }));
    return ackSchema.parse(await ack);
  };
  const stored = async (id: unknown) => (await h.service.storage.listEvents()).events.some((e) => e.event.id === id);
  const opEvent = (over: Event = {}) => countEvent({ deviceId: devices.op, author: 'op-a', ...over });
  const leadEvent = (over: Event = {}) => countEvent({ deviceId: devices.lead, author: 'lead-a', ...over });

  beforeAll(async () => {
    h = await startHarness();
    tokens.op = (await h.login(fixtureLogin('op-a', devices.op))).token;
    tokens.lead = (await h.login(fixtureLogin('lead-a', devices.lead))).token;
    tokens.gw = (await h.login(fixtureLogin('gw-a', devices.gw))).token;
    await connect('op', 'op-a');
    await connect('lead', 'lead-a');
    await connect('gw', 'gw-a');
  });
  afterAll(async () => h?.close());

  it("refuses an operator's void of a machine counter and of a lead's count, and stores neither void", async () => {
    const counter = countEvent({ deviceId: devices.gw, author: 'gw-a', type: 'machine.counter', total: 50, productId: 'widget', good: undefined, reject: undefined });
    expect((await send('gw', `${lineA}/station/a1/signals`, [counter])).accepted).toEqual([counter.id]);
    const leadCount = leadEvent();
    expect((await send('lead', eventsA1, [leadCount])).accepted).toEqual([leadCount.id]);

    const voidCounter = voidOf(counter, { deviceId: devices.op, author: 'op-a' });
    const voidLead = voidOf(leadCount, { deviceId: devices.op, author: 'op-a' });
    const ack = await send('op', eventsA1, [voidCounter, voidLead]);
    expect(ack.accepted).toEqual([]);
    expect(ack.rejected).toEqual([
      { index: 0, id: voidCounter.id, code: 'not-allowed', message: `"op-a" may only undo their own entries: event "${counter.id}" is by "gw-a" (a lead voids it, on the line's corrections topic)` },
      { index: 1, id: voidLead.id, code: 'not-allowed', message: `"op-a" may only undo their own entries: event "${leadCount.id}" is by "lead-a" (a lead voids it, on the line's corrections topic)` },
    ]);
    expect(await stored(voidCounter.id)).toBe(false);
    expect(await stored(voidLead.id)).toBe(false);
  });

  it("accepts an operator's undo of its own entry of this shift at its station", async () => {
    const own = opEvent();
    expect((await send('op', eventsA1, [own])).accepted).toEqual([own.id]);
    const undo = voidOf(own, { deviceId: devices.op, author: 'op-a' });
    expect(await send('op', eventsA1, [undo])).toMatchObject({ accepted: [undo.id], rejected: [] });
    expect(await stored(undo.id)).toBe(true);
  });

  it("refuses an operator's undo of its own entry at another station", async () => {
    const atA2 = opEvent({ stationId: 'a2' });
    expect((await send('op', `${lineA}/station/a2/events`, [atA2])).accepted).toEqual([atA2.id]);
    const undo = voidOf(atA2, { deviceId: devices.op, author: 'op-a' });
    const ack = await send('op', eventsA1, [undo]);
    expect(ack.rejected).toEqual([{ index: 0, id: undo.id, code: 'not-allowed', message: `event "${atA2.id}" was entered at station "a2", not at station "a1"` }]);
  });

  it("refuses an operator's undo of its own entry from before the current shift", async () => {
    // A backlog entry from two days ago keeps its device time (docs/adr: clock offset), so it
    // belongs to an earlier shift; a fresh connection restarts the offset measurement.
    const old = opEvent({ ts: Date.now() - 2 * 86_400_000 });
    expect((await send('op', eventsA1, [old])).accepted).toEqual([old.id]);
    const target = (await h.service.storage.findEventOrigins([old.id as string]))[0]!;
    expect(target.correctedTs).toBeLessThan(Date.now() - 86_400_000);
    const undo = voidOf(old, { deviceId: devices.op, author: 'op-a' });
    const ack = await send('op', eventsA1, [undo]);
    expect(ack.rejected).toEqual([{ index: 0, id: undo.id, code: 'not-allowed', message: expect.stringMatching(new RegExp(`^event "${old.id}" is from before the current shift \\(started .+\\): only a lead may void it, on the line's corrections topic$`)) }]);
  });

  it('refuses a correction on a station events topic at the broker: acked rejected at once on the open connection, stores nothing, dead-letters it', async () => {
    const own = opEvent({ good: 50 });
    expect((await send('op', eventsA1, [own])).accepted).toEqual([own.id]);
    const raise = correctionOf(own, { deviceId: devices.op, author: 'op-a' });
    const message = "a correction is not allowed on a station's events topic: only a lead or an admin corrects, on the line's corrections topic";
    expect(await send('op', eventsA1, [raise])).toMatchObject({ accepted: [], rejected: [{ index: 0, id: raise.id, code: 'not-allowed', message }] });
    expect(clients.op!.connected).toBe(true);
    expect(await stored(raise.id)).toBe(false);
    const letter = (await h.service.storage.listDeadLetters(50)).find((d) => d.payload.includes(raise.id as string));
    expect(letter).toMatchObject({ code: 'not-allowed', deviceId: devices.op, message });
    expect(JSON.parse(letter!.payload)).toEqual({ events: [raise] });
    // Not for a lead either: corrections go on the line's corrections topic.
    const byLead = correctionOf(own, { deviceId: devices.lead, author: 'lead-a' });
    expect((await send('lead', eventsA1, [byLead])).rejected).toEqual([{ index: 0, id: byLead.id, code: 'not-allowed', message }]);
    expect(clients.lead!.connected).toBe(true);
  });

  it("accepts a lead's correction and void of an operator's entry on its line's corrections topic, not of another line's entry", async () => {
    const own = opEvent({ good: 50 });
    expect((await send('op', eventsA1, [own])).accepted).toEqual([own.id]);
    const fix = correctionOf(own, { deviceId: devices.lead, author: 'lead-a', replacement: { type: 'count', productId: 'widget', good: 55, reject: 0 } });
    const drop = voidOf(opEvent(), { deviceId: devices.lead, author: 'lead-a' });
    const target = drop.voids;
    expect((await send('op', eventsA1, [{ ...opEvent(), id: target }])).accepted).toEqual([target]);
    expect(await send('lead', `${lineA}/corrections`, [fix, drop])).toMatchObject({ accepted: [fix.id, drop.id], rejected: [] });

    // Line B's entry, named in a correction on line A's topic (with line A's ids): refused.
    const opB = await h.login(fixtureLogin('op-b', 'tab-b'));
    const b = await h.connect('op-b', opB.token, 'tab-b');
    await subscribe(b, `${root}/_ack/tab-b`);
    const onB = countEvent({ deviceId: 'tab-b', author: 'op-b', lineId: 'line-b', stationId: 'b1' });
    const ackB = nextMessage(b, `${root}/_ack/tab-b`);
    await publish(b, `${root}/assembly/line-b/station/b1/events`, JSON.stringify({ events: [onB] }));
    expect(ackSchema.parse(await ackB).accepted).toEqual([onB.id]);
    const reach = voidOf(onB, { deviceId: devices.lead, author: 'lead-a' });
    const ack = await send('lead', `${lineA}/corrections`, [reach]);
    expect(ack.rejected).toEqual([{ index: 0, id: reach.id, code: 'not-allowed', message: `event "${onB.id}" is on line "line-b", not on line "line-a" of this corrections topic` }]);
  });

  it.each([
    ['an operator naming an admin', 'op', 'admin', eventsA1],
    ['an operator naming its lead', 'op', 'lead-a', eventsA1],
    ['a lead naming an operator of another line', 'lead', 'op-b', eventsA1],
    ['a gateway naming an operator', 'gw', 'op-a', `${lineA}/station/a1/signals`],
  ] as const)('refuses %s as author at the broker: acked rejected on the open connection, stores nothing, dead-letters it', async (_name, who, author, topic) => {
    const spoof =
      who === 'gw'
        ? countEvent({ deviceId: devices.gw, author, type: 'machine.counter', total: 1, good: undefined, reject: undefined })
        : countEvent({ deviceId: devices[who], author });
    const ack = await send(who, topic, [spoof]);
    expect(ack.rejected).toEqual([{ index: 0, id: spoof.id, code: 'not-allowed', message: expect.stringMatching(/^event author /) }]);
    expect(clients[who]!.connected).toBe(true);
    expect(await stored(spoof.id)).toBe(false);
    const letter = (await h.service.storage.listDeadLetters(50)).find((d) => d.payload.includes(spoof.id as string));
    expect(letter?.code).toBe('not-allowed');
    expect(letter?.message).toMatch(new RegExp(`^event author "${author}" is not the signed-in (operator|lead|gateway) "(op-a|lead-a|gw-a)": entries are authored by whoever signed in$`));
  });

  it('lets a lead enter an entry for an operator of its line', async () => {
    const forOperator = countEvent({ deviceId: devices.lead, author: 'op-a' });
    expect((await send('lead', eventsA1, [forOperator])).accepted).toEqual([forOperator.id]);
  });
});
