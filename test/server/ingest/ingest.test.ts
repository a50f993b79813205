import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { ackSchema } from '../../../src/core/events.schema.ts';
import { countEvent, nextMessage, publish, SITE, startHarness, subscribe, topicA1, type Harness, fixtureLogin } from '../support/service-harness.ts';

const ackTopic = `floorboard/v1/${SITE}/_ack/tab-1`;
const deadTopic = `floorboard/v1/${SITE}/_deadletter`;

describe('ingest through the embedded broker', () => {
  let h: Harness;
  let tablet: MqttClient;
  let watcher: MqttClient;

  beforeAll(async () => {
    h = await startHarness();
    const { token } = await h.login(fixtureLogin('op-a', 'tab-1'));
    tablet = await h.connect('op-a', token, 'tab-1');
    expect(await subscribe(tablet, ackTopic)).toBe(1);
    const admin = await h.login(fixtureLogin('admin', 'admin-console'));
    watcher = await h.connect('admin', admin.token, 'admin-console');
    await subscribe(watcher, deadTopic);
  });
  afterAll(async () => h?.close());

  const send = async (payload: unknown, topic = topicA1) => {
    const ack = nextMessage(tablet, ackTopic);
    await publish(tablet, topic, typeof payload === 'string' ? payload : JSON.stringify(payload));
    return ackSchema.parse(await ack);
  };

  it('acks a valid batch after the commit and stores it once', async () => {
    const events = [countEvent(), countEvent({ type: 'stop.start', stopId: undefined })];
    events[1]!.stopId = events[1]!.id;
    delete events[1]!.productId;
    const ack = await send({ events });
    expect(ack.rejected).toEqual([]);
    expect(ack.accepted).toEqual(events.map((e) => e.id));
    // The ack came after the commit: the events are readable now.
    const page = await h.service.storage.listEvents({ lineIds: ['line-a'] });
    const stored = page.events.filter((e) => ack.accepted.includes(e.event.id));
    expect(stored).toHaveLength(2);
    expect(stored[0]!.topic).toBe(topicA1);
  });

  it('acks a duplicate batch again, stores it once and counts it', async () => {
    const events = [countEvent(), countEvent()];
    await send({ events });
    const before = (await h.service.storage.listEvents()).events.length;
    const ack = await send({ events });
    expect(ack.accepted).toEqual(events.map((e) => e.id));
    expect((await h.service.storage.listEvents()).events.length).toBe(before);
    const metrics = await (await h.http('/metrics')).text();
    expect(metrics).toMatch(/floorboard_events_duplicates_total \d+/);
    expect(Number(/floorboard_events_duplicates_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('counts an event sent twice in one message as ingested once and a duplicate once', async () => {
    const ingested = async () => Number(/floorboard_events_ingested_total\{kind="events"\} (\d+)/.exec(await (await h.http('/metrics')).text())?.[1] ?? 0);
    const before = await ingested();
    const event = countEvent();
    const ack = await send({ events: [event, event] });
    expect(ack.accepted).toContain(event.id);
    expect((await h.service.storage.listEvents()).events.filter((e) => e.event.id === event.id)).toHaveLength(1);
    expect(await ingested()).toBe(before + 1);
  });

  it('answers a burst of messages from one device with fewer acks that together list every event once; a refusal keeps its own ack', async () => {
    const acks: ReturnType<typeof ackSchema.parse>[] = [];
    const onAck = (topic: string, payload: Buffer) => {
      if (topic === ackTopic) acks.push(ackSchema.parse(JSON.parse(payload.toString('utf8'))));
    };
    tablet.on('message', onAck);
    try {
      const burst = Array.from({ length: 50 }, () => countEvent());
      const refused = countEvent({ lineId: 'line-b' }); // published on line A's topic: refused
      const mixed = [countEvent(), refused];
      await Promise.all([...burst.map((e) => publish(tablet, topicA1, JSON.stringify({ events: [e] }))), publish(tablet, topicA1, JSON.stringify({ events: mixed }))]);
      const expected = [...burst, mixed[0]!].map((e) => e.id as string);
      for (let i = 0; i < 100 && acks.flatMap((a) => a.accepted).length < expected.length; i++) await new Promise((r) => setTimeout(r, 50));
      const accepted = acks.flatMap((a) => a.accepted);
      expect(accepted.sort()).toEqual([...expected].sort());
      // Messages that came in together were answered together.
      expect(acks.length).toBeLessThan(51);
      // The refusal's ack is the mixed message's own: its index points into that message.
      const withRefusal = acks.filter((a) => a.rejected.length > 0);
      expect(withRefusal).toHaveLength(1);
      expect(withRefusal[0]).toMatchObject({ accepted: [mixed[0]!.id], rejected: [{ index: 1, id: refused.id }] });
      const stored = (await h.service.storage.listEvents({ lineIds: ['line-a'], limit: 100_000 })).events.filter((e) => expected.includes(e.event.id));
      expect(stored).toHaveLength(expected.length);
    } finally {
      tablet.off('message', onAck);
    }
  });

  it.each([
    ['bad JSON', '{"events": [', 'bad-json'],
    ['bad shape', JSON.stringify({ nope: true }), 'bad-shape'],
  ])('dead-letters %s and keeps going', async (_name, payload, code) => {
    const dead = nextMessage(watcher, deadTopic);
    await publish(tablet, topicA1, payload);
    expect(await dead).toMatchObject({ code, topic: topicA1 });
    const letters = await h.service.storage.listDeadLetters(1);
    expect(letters[0]).toMatchObject({ code, payload });
    // The next valid message is still processed.
    const ack = await send({ events: [countEvent()] });
    expect(ack.accepted).toHaveLength(1);
  });

  it.each([
    ['unknown line', { lineId: 'line-x' }, 'unknown-line'],
    ['topic mismatch', { stationId: 'a2' }, 'topic-mismatch'],
    ['unknown product', { productId: 'sprocket' }, 'unknown-product'],
    ['bad event shape', { good: -1 }, 'bad-shape'],
    // An author not allowed at the station (and a correction here) is refused by the embedded
    // broker before ingest (entry-authority.test.ts); ingest's own check is tested on Mosquitto
    // (mosquitto/dynsec-broker.test.ts).
    ['machine signal on events topic', { type: 'machine.state', state: 'running' }, 'topic-mismatch'],
  ])('rejects one event (%s) with a reason and stores the rest of the batch', async (_name, over, code) => {
    const good = countEvent();
    const bad = countEvent(over);
    const dead = nextMessage(watcher, deadTopic);
    const ack = await send({ events: [good, bad] });
    expect(ack.accepted).toEqual([good.id]);
    expect(ack.rejected).toEqual([expect.objectContaining({ id: bad.id, index: 1, code })]);
    expect(await dead).toMatchObject({ code });
    const ids = (await h.service.storage.listEvents()).events.map((e) => e.event.id);
    expect(ids).toContain(good.id);
    expect(ids).not.toContain(bad.id);
  });

  it('rejects a correction of an unknown event', async () => {
    const correction = countEvent({ type: 'void', voids: countEvent().id, reason: 'typo', productId: undefined, good: undefined, reject: undefined });
    const ack = await send({ events: [correction] });
    expect(ack.rejected[0]).toMatchObject({ code: 'superseded-unknown' });
  });

  it('corrects device time by the measured clock offset and flags a far-off clock', async () => {
    const ahead = 5 * 60_000;
    // The offset is the median of the device's recent samples: a fresh connect starts them anew,
    // and two of three agreeing batches make it.
    const { token } = await h.login(fixtureLogin('op-a', 'tab-1'));
    tablet.end(true);
    tablet = await h.connect('op-a', token, 'tab-1');
    await subscribe(tablet, ackTopic);
    for (let i = 0; i < 2; i++) await send({ events: [countEvent({ deviceId: 'tab-1', ts: Date.now() + ahead })] });
    const e = countEvent({ deviceId: 'tab-1', ts: Date.now() + ahead });
    await send({ events: [e] });
    const stored = (await h.service.storage.listEvents()).events.find((s) => s.event.id === e.id)!;
    expect(stored.clockOffsetMs).toBeGreaterThan(ahead - 5000);
    expect(Math.abs(stored.correctedTs - Date.now())).toBeLessThan(5000);
    expect((await h.service.storage.getDevice('tab-1'))?.isClockFlagged).toBe(true);
  });

  it('keeps the device time of a backlog sent after an offline spell (a clock behind is not assumed)', async () => {
    const old = Date.now() - 3 * 3600_000;
    const events = [countEvent({ deviceId: 'tab-1', ts: old }), countEvent({ deviceId: 'tab-1', ts: old + 1000 })];
    // A fresh connect restarts the measurement, as after an offline spell.
    const { token } = await h.login(fixtureLogin('op-a', 'tab-1'));
    tablet.end(true);
    tablet = await h.connect('op-a', token, 'tab-1');
    await subscribe(tablet, ackTopic);
    await send({ events });
    const stored = (await h.service.storage.listEvents()).events.filter((s) => events.some((e) => e.id === s.event.id));
    expect(stored.map((s) => s.correctedTs)).toEqual([old, old + 1000]);
    expect((await h.service.storage.getDevice('tab-1'))?.isClockFlagged).toBe(false);
  });

  it('serves /healthz and /metrics', async () => {
    const health = await h.http('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', storage: 'sqlite', broker: 'embedded', isMqttConnected: true });
    const text = await (await h.http('/metrics')).text();
    for (const name of ['floorboard_events_ingested_total', 'floorboard_events_rejected_total', 'floorboard_ingest_lag_seconds_bucket', 'floorboard_mqtt_connected_clients'])
      expect(text).toContain(name);
    expect(Number(/floorboard_mqtt_connected_clients (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(2);
  });
});
