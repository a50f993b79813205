import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { stationLogWireSchema } from '../../../src/core/station-log.schema.ts';
import { countEvent, nextMessage, publish, SITE, startHarness, subscribe, type Harness, fixtureLogin } from '../support/service-harness.ts';

const root = `floorboard/v1/${SITE}`;
const lineA = `${root}/assembly/line-a`;
const logA1 = `${lineA}/station/a1/log`;
const logA2 = `${lineA}/station/a2/log`;
const bare = { productId: undefined, good: undefined, reject: undefined };

// The station log pushed on its retained topic (embedded broker, real service): a lead's line
// handover reaches a tablet already signed in, without it asking; another line's operator is refused.
describe('station log on MQTT (embedded broker, real service)', () => {
  let h: Harness;
  const devices = { op: 'tab-log-a', opB: 'tab-log-b', lead: 'dash-log-lead' } as const;
  const clients: Partial<Record<keyof typeof devices, MqttClient>> = {};
  const tokens: Partial<Record<keyof typeof devices, string>> = {};
  const hasHandover = (id: string) => (v: unknown) => stationLogWireSchema.parse(v).handovers.some((x) => x.id === id);

  beforeAll(async () => {
    h = await startHarness();
    tokens.op = (await h.login(fixtureLogin('op-a', devices.op))).token;
    tokens.opB = (await h.login(fixtureLogin('op-b', devices.opB))).token;
    tokens.lead = (await h.login(fixtureLogin('lead-a', devices.lead))).token;
    clients.op = await h.connect('op-a', tokens.op, devices.op);
    clients.opB = await h.connect('op-b', tokens.opB, devices.opB);
    clients.lead = await h.connect('lead-a', tokens.lead, devices.lead);
  });
  afterAll(async () => h?.close());

  it("pushes a lead's line handover to a subscribed station client, retained for a later one, and its ack back to the lead", async () => {
    const op = clients.op!;
    expect(await subscribe(op, logA1)).toBe(1);
    const ho = countEvent({ deviceId: devices.lead, author: 'lead-a', ...bare, type: 'handover', scope: 'line', topics: ['open-problems'], text: 'press 2 leaks' });
    const pushed = nextMessage(op, logA1, 5000, hasHandover(ho.id as string));
    const t0 = Date.now();
    await publish(clients.lead!, `${lineA}/corrections`, JSON.stringify({ events: [ho] }));
    const log = stationLogWireSchema.parse(await pushed);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(log.handovers.find((x) => x.id === ho.id)).toMatchObject({ scope: 'line', text: 'press 2 leaks', acks: [], authorName: expect.any(String) });

    // Retained: a client subscribing afterwards (another station of the line, seen by the lead) gets it at once.
    const lead = clients.lead!;
    const retained = nextMessage(lead, logA2, 5000, hasHandover(ho.id as string));
    expect(await subscribe(lead, logA2)).toBe(1);
    await retained;

    // The operator acknowledges at a1; the lead sees who did on a2's log too (a line handover's acks).
    const acked = nextMessage(lead, logA2, 5000, (v) => stationLogWireSchema.parse(v).handovers.some((x) => x.id === ho.id && x.acks.length > 0));
    const ack = countEvent({ deviceId: devices.op, author: 'op-a', ...bare, type: 'handover.ack', handoverId: ho.id });
    await publish(op, `${lineA}/station/a1/events`, JSON.stringify({ events: [ack] }));
    const after = stationLogWireSchema.parse(await acked);
    expect(after.handovers.find((x) => x.id === ho.id)?.acks).toEqual([expect.objectContaining({ author: 'op-a', stationId: 'a1', id: ack.id })]);
  });

  it("refuses another line's operator the station log topic, even by wildcard", async () => {
    const c = clients.opB!;
    expect(await subscribe(c, logA1)).toBe(128);
    expect(await subscribe(c, `${lineA}/station/+/log`)).toBe(128);
    expect(await subscribe(c, `${root}/+/+/station/+/log`)).toBe(128);
  });
  it("reads a line's events once for all its stations when a line handover touches every station's log", async () => {
    const storage = h.service.storage;
    const reads: string[][] = [];
    const listEvents = storage.listEvents.bind(storage);
    storage.listEvents = (q) => {
      reads.push([...(q?.lineIds ?? [])]);
      return listEvents(q);
    };
    try {
      const op = clients.op!;
      const ho = countEvent({ deviceId: devices.lead, author: 'lead-a', ...bare, type: 'handover', scope: 'line', topics: ['material'], text: 'coil 7 on a2' });
      const both = Promise.all([logA1, logA2].map(async (topic) => {
        await subscribe(op, topic);
        return nextMessage(op, topic, 5000, hasHandover(ho.id as string));
      }));
      await new Promise((r) => setTimeout(r, 300));
      reads.length = 0;
      await publish(clients.lead!, `${lineA}/corrections`, JSON.stringify({ events: [ho] }));
      await both;
      // Line A has two stations: one read of its events serves both logs.
      expect(reads.filter((lines) => lines.length === 1 && lines[0] === 'line-a')).toHaveLength(1);
    } finally {
      storage.listEvents = listEvents;
    }
  });
});
