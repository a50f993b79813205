import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackSchema } from '../../src/core/events.schema.ts';
import { countEvent, nextMessage, publish, SITE, startHarness, subscribe, topicA1, type Harness } from './service-harness.ts';

describe('PUBACK only after the commit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('leaves a message unacknowledged when the commit fails, so the broker delivers it again', async () => {
    const storage = h.service.storage;
    const original = storage.insertEvents.bind(storage);
    let failures = 0;
    // The database is down for the first attempt.
    storage.insertEvents = async (records) => {
      if (failures++ === 0) throw new Error('disk full');
      return original(records);
    };
    const { token } = await h.login({ kind: 'badge', badge: '1001', pin: '1234', deviceId: 'tab-r' });
    const c = await h.connect('op-a', token, 'tab-r');
    const ackTopic = `floorboard/v1/${SITE}/_ack/tab-r`;
    await subscribe(c, ackTopic);
    const event = countEvent({ deviceId: 'tab-r' });
    const ack = nextMessage(c, ackTopic, 10_000);
    await publish(c, topicA1, JSON.stringify({ events: [event] }));
    expect(ackSchema.parse(await ack).accepted).toEqual([event.id]);
    expect(failures).toBe(2);
    const stored = (await storage.listEvents()).events.filter((e) => e.event.id === event.id);
    expect(stored).toHaveLength(1);
  });
});
