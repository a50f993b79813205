import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackSchema } from '../../../src/core/events.schema.ts';
import { connectServiceClient } from '../../../src/server/ingest/service-client.ts';
import { countEvent, nextMessage, publish, SITE, startHarness, subscribe, topicA1, type Harness, fixtureLogin } from '../support/service-harness.ts';

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
    const { token } = await h.login(fixtureLogin('op-a', 'tab-r'));
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

  it('treats a handler that throws at once as a failed commit: no PUBACK, the message comes again', async () => {
    const admin = await h.login(fixtureLogin('admin', 'admin-svc'));
    const calls: string[] = [];
    const client = await connectServiceClient({
      url: `mqtt://127.0.0.1:${h.service.mqttPort}`,
      username: 'admin',
      password: admin.token,
      clientId: 'admin-svc',
      filters: [topicA1],
      handle: (topic) => {
        calls.push(topic);
        if (calls.length === 1) throw new Error('handler bug');
        return Promise.resolve([]);
      },
      log: () => {},
    });
    try {
      const { token } = await h.login(fixtureLogin('op-a', 'tab-t'));
      const c = await h.connect('op-a', token, 'tab-t');
      await publish(c, topicA1, JSON.stringify({ events: [countEvent({ deviceId: 'tab-t' })] }));
      for (let i = 0; i < 100 && calls.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      expect(calls).toEqual([topicA1, topicA1]);
    } finally {
      await client.close();
    }
  });

  it('ends its connection when the broker refuses its subscriptions, so a failed start leaves no client behind to take its id', async () => {
    const { token } = await h.login(fixtureLogin('op-a', 'tab-leak'));
    await expect(
      connectServiceClient({ url: `mqtt://127.0.0.1:${h.service.mqttPort}`, username: 'op-a', password: token, clientId: 'tab-leak', filters: ['floorboard/v1/#'], handle: () => Promise.resolve([]), log: () => {} }),
    ).rejects.toThrow(/Subscribe error|broker refused subscriptions/);
    // A client left connected (reconnecting each second) would take the id back from this one.
    const probe = await h.connect('op-a', token, 'tab-leak');
    let isClosed = false;
    probe.on('close', () => (isClosed = true));
    await new Promise((r) => setTimeout(r, 2500));
    expect(isClosed).toBe(false);
    probe.end(true);
  });
});
