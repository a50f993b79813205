import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackSchema, type Ack } from '../../../src/core/events.schema.ts';
import { MAX_UNCOMMITTED } from '../../../src/server/ingest/service-client.ts';
import { countEvent, publish, SITE, startHarness, subscribe, topicA1, type Harness, fixtureLogin } from '../support/service-harness.ts';

describe('group commit keeps PUBACK after the commit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('stores and acknowledges every message of a burst exactly once, although the first commit fails', async () => {
    const storage = h.service.storage;
    const original = storage.insertEvents.bind(storage);
    let calls = 0;
    storage.insertEvents = async (records) => {
      if (calls++ === 0) throw new Error('disk full');
      return original(records);
    };
    const { token } = await h.login(fixtureLogin('op-a', 'tab-g'));
    const c = await h.connect('op-a', token, 'tab-g');
    const ackTopic = `floorboard/v1/${SITE}/_ack/tab-g`;
    await subscribe(c, ackTopic);
    const acked = new Map<string, number>();
    c.on('message', (topic, payload) => {
      if (topic !== ackTopic) return;
      const ack: Ack = ackSchema.parse(JSON.parse(payload.toString('utf8')));
      for (const id of ack.accepted) acked.set(id, (acked.get(id) ?? 0) + 1);
    });
    const batches = Array.from({ length: 20 }, () => Array.from({ length: 5 }, () => countEvent({ deviceId: 'tab-g' })));
    // Published without waiting for each other: they reach the service as a burst.
    await Promise.all(batches.map((events) => publish(c, topicA1, JSON.stringify({ events }))));
    const ids = batches.flat().map((e) => e.id as string);
    const deadline = Date.now() + 15_000;
    while (ids.some((id) => !acked.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(ids.filter((id) => !acked.has(id))).toEqual([]);
    expect(calls).toBeGreaterThanOrEqual(2);
    const stored = (await storage.listEvents()).events.filter((e) => e.event.deviceId === 'tab-g').map((e) => e.event.id);
    expect(stored.sort()).toEqual([...ids].sort());
    storage.insertEvents = original;
  });

  it('takes a burst larger than its window of uncommitted messages (backpressure) and loses nothing', async () => {
    const { token } = await h.login(fixtureLogin('op-a', 'tab-w'));
    const c = await h.connect('op-a', token, 'tab-w');
    const ackTopic = `floorboard/v1/${SITE}/_ack/tab-w`;
    await subscribe(c, ackTopic);
    const acked = new Set<string>();
    c.on('message', (topic, payload) => {
      if (topic === ackTopic) for (const id of ackSchema.parse(JSON.parse(payload.toString('utf8'))).accepted) acked.add(id);
    });
    const events = Array.from({ length: MAX_UNCOMMITTED + 150 }, () => countEvent({ deviceId: 'tab-w' }));
    await Promise.all(events.map((e) => publish(c, topicA1, JSON.stringify({ events: [e] }))));
    const deadline = Date.now() + 20_000;
    while (acked.size < events.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(acked.size).toBe(events.length);
    const stored = (await h.service.storage.listEvents()).events.filter((e) => e.event.deviceId === 'tab-w');
    expect(stored).toHaveLength(events.length);
  });
});
