import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { ackSchema, type Ack } from '../../../src/core/events.schema.ts';
import { countEvent, nextMessage, publish, publishIsRefused, SITE, startHarness, subscribe, type Harness, fixtureLogin } from '../support/service-harness.ts';
import { shiftLogSchema } from '../../../src/core/contracts/shift-log.ts';

const root = `floorboard/v1/${SITE}`;
const lineA = `${root}/assembly/line-a`;
const eventsA1 = `${lineA}/station/a1/events`;
const eventsB1 = `${root}/assembly/line-b/station/b1/events`;
const correctionsA = `${lineA}/corrections`;

type Event = Record<string, unknown>;
const bare = { productId: undefined, good: undefined, reject: undefined };

// Shift handovers on the real broker and service: who may write and acknowledge which, and what
// the incoming operator and the lead read back over HTTP.
describe('shift handovers: rights and reading (embedded broker, real service)', () => {
  let h: Harness;
  const tokens: Record<string, string> = {};
  const clients: Record<string, MqttClient> = {};
  const devices = { op: 'tab-ho-a', opB: 'tab-ho-b', lead: 'dash-ho-lead' } as const;

  const send = async (who: keyof typeof devices, topic: string, events: Event[]): Promise<Ack> => {
    const c = clients[who]!;
    const first = events[0]!.id as string;
    const ack = nextMessage<unknown>(c, `${root}/_ack/${devices[who]}`, 5000, (a) => JSON.stringify(a).includes(first));
    await publish(c, topic, JSON.stringify({ events }));
    return ackSchema.parse(await ack);
  };
  const as = (who: keyof typeof devices, author: string, over: Event) => countEvent({ deviceId: devices[who], author, ...bare, ...over });
  const get = async (who: keyof typeof devices, path: string) => h.http(path, { headers: { authorization: `Bearer ${tokens[who]}` } });

  beforeAll(async () => {
    h = await startHarness();
    tokens.op = (await h.login(fixtureLogin('op-a', devices.op))).token;
    tokens.opB = (await h.login(fixtureLogin('op-b', devices.opB))).token;
    tokens.lead = (await h.login(fixtureLogin('lead-a', devices.lead))).token;
    for (const [who, user] of [['op', 'op-a'], ['opB', 'op-b'], ['lead', 'lead-a']] as const) {
      clients[who] = await h.connect(user, tokens[who], devices[who]);
      expect(await subscribe(clients[who], `${root}/_ack/${devices[who]}`)).toBe(1);
    }
  });
  afterAll(async () => h?.close());

  it('takes an operator station handover and its ack at the station, and lists who acknowledged it', async () => {
    const ho = as('op', 'op-a', { type: 'handover', scope: 'station', topics: ['material', 'quality'], text: 'bar stock low' });
    expect((await send('op', eventsA1, [ho])).accepted).toEqual([ho.id]);

    const open = await (await get('op', '/api/stations/a1/log')).json();
    expect(open.handovers.map((x: { id: string }) => x.id)).toContain(ho.id);
    expect(open.handovers.find((x: { id: string }) => x.id === ho.id)).toMatchObject({ authorName: expect.any(String), topics: ['material', 'quality'], text: 'bar stock low', acks: [] });
    // Another station of the line does not see a station's handover.
    const atA2 = await (await get('op', '/api/stations/a2/log')).json();
    expect(atA2.handovers.map((x: { id: string }) => x.id)).not.toContain(ho.id);

    const ack = as('op', 'op-a', { type: 'handover.ack', handoverId: ho.id });
    expect((await send('op', eventsA1, [ack])).accepted).toEqual([ack.id]);
    const after = await (await get('op', '/api/stations/a1/log')).json();
    expect(after.handovers.find((x: { id: string }) => x.id === ho.id).acks).toEqual([expect.objectContaining({ author: 'op-a', stationId: 'a1', id: ack.id })]);

    const log = shiftLogSchema.parse(await (await get('lead', `/api/shift-log?line=line-a&from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`)).json());
    const listed = log.handovers.find((x) => x.id === ho.id);
    expect(listed?.acks).toEqual([expect.objectContaining({ author: 'op-a', stationId: 'a1', id: ack.id })]);
  });

  it("takes a lead's line handover on the corrections topic; every station of the line sees it", async () => {
    const ho = as('lead', 'lead-a', { type: 'handover', scope: 'line', topics: ['open-problems'], text: 'press 2 leaks' });
    expect((await send('lead', correctionsA, [ho])).accepted).toEqual([ho.id]);
    for (const st of ['a1', 'a2']) {
      const open = await (await get('op', `/api/stations/${st}/log`)).json();
      expect(open.handovers.map((x: { id: string }) => x.id)).toContain(ho.id);
    }
  });

  it('refuses handovers written by the wrong person or on the wrong topic', async () => {
    const leadAtStation = as('lead', 'lead-a', { type: 'handover', scope: 'station', topics: ['material'], text: '' });
    const leadLineOnEvents = as('lead', 'lead-a', { type: 'handover', scope: 'line', topics: ['material'], text: '' });
    const ack = await send('lead', eventsA1, [leadAtStation, leadLineOnEvents]);
    expect(ack.accepted).toEqual([]);
    expect(ack.rejected).toEqual([
      { index: 0, id: leadAtStation.id, code: 'not-allowed', message: 'a station handover is written by the station\'s operator, not by lead "lead-a"' },
      { index: 1, id: leadLineOnEvents.id, code: 'topic-mismatch', message: "a line handover belongs on the line's corrections topic, not on a events topic" },
    ]);
    const leadAck = as('lead', 'lead-a', { type: 'handover.ack', handoverId: leadAtStation.id });
    expect((await send('lead', eventsA1, [leadAck])).rejected[0]).toMatchObject({ code: 'not-allowed', message: 'a handover is acknowledged by the incoming operator at their station, not by lead "lead-a"' });
    // An operator may not write for another station: the broker drops the publish.
    expect(await publishIsRefused(clients.opB!, eventsA1, JSON.stringify({ events: [as('opB', 'op-b', { type: 'handover', scope: 'station', topics: ['material'], text: '' })] }))).toBe(true);
    clients.opB = await h.connect('op-b', tokens.opB, devices.opB);
    await subscribe(clients.opB, `${root}/_ack/${devices.opB}`);
  });

  it("refuses an ack of another line's handover and of something that is not a handover", async () => {
    const ho = as('op', 'op-a', { type: 'handover', scope: 'station', topics: [], text: 'clamp loose' });
    expect((await send('op', eventsA1, [ho])).accepted).toEqual([ho.id]);
    const count = as('op', 'op-a', { type: 'count', productId: 'widget', good: 1, reject: 0 });
    expect((await send('op', eventsA1, [count])).accepted).toEqual([count.id]);
    const foreign = countEvent({ deviceId: devices.opB, author: 'op-b', lineId: 'line-b', stationId: 'b1', type: 'handover.ack', handoverId: ho.id, ...bare });
    expect((await send('opB', eventsB1, [foreign])).rejected[0]).toMatchObject({ code: 'not-allowed', message: `handover "${ho.id}" is for line "line-a", not line "line-b"` });
    const notHo = as('op', 'op-a', { type: 'handover.ack', handoverId: count.id });
    expect((await send('op', eventsA1, [notHo])).rejected[0]).toMatchObject({ code: 'not-allowed', message: `event "${count.id}" is a "count", not a handover to acknowledge` });
  });

  it("refuses a reader outside the station's scope", async () => {
    expect((await get('opB', '/api/stations/a1/log')).status).toBe(403);
    expect((await get('op', '/api/stations/nowhere/log')).status).toBe(404);
  });

  it('refuses a correction that changes nothing, and takes a real one', async () => {
    const stopId = countEvent().id;
    const start = as('op', 'op-a', { id: stopId, type: 'stop.start', stopId, reasonId: 'jam' });
    expect((await send('op', eventsA1, [start])).accepted).toEqual([stopId]);
    const same = as('lead', 'lead-a', { type: 'correction', supersedes: stopId, reason: 'check', replacement: { type: 'stop.start', stopId, reasonId: 'jam' } });
    const ack = await send('lead', correctionsA, [same]);
    expect(ack.rejected).toEqual([{ index: 0, id: same.id, code: 'not-allowed', message: `correction of "${stopId}" changes nothing: it already says that` }]);
    const real = as('lead', 'lead-a', { type: 'correction', supersedes: stopId, reason: 'was setup', replacement: { type: 'stop.start', stopId, reasonId: 'setup' } });
    expect((await send('lead', correctionsA, [real])).accepted).toEqual([real.id]);
    // Back to the first reason is a change again (the target says "setup" now).
    const back = as('lead', 'lead-a', { type: 'correction', supersedes: stopId, reason: 'was jam after all', replacement: { type: 'stop.start', stopId, reasonId: 'jam' } });
    expect((await send('lead', correctionsA, [back])).accepted).toEqual([back.id]);
    const again = as('lead', 'lead-a', { type: 'correction', supersedes: stopId, reason: 'again', replacement: { type: 'stop.start', stopId, reasonId: 'jam' } });
    expect((await send('lead', correctionsA, [again])).rejected[0]?.code).toBe('not-allowed');
  });
});
