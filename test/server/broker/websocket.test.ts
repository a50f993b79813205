import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackSchema } from '../../../src/core/events.schema.ts';
import { countEvent, nextMessage, publish, SITE, startHarness, subscribe, topicA1, type Harness, fixtureLogin } from '../support/service-harness.ts';

describe('MQTT over WebSocket on /mqtt', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  it('logs in over HTTP, connects with the returned credentials and gets an ack after the commit', async () => {
    const res = await h.http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixtureLogin('op-a', 'tab-ws')) });
    const login = (await res.json()) as { expiresAt: number; mqtt: { path: string; username: string; password: string; clientId: string }; user: { role: string; stations: string[] } };
    expect(login.mqtt).toMatchObject({ path: '/mqtt', username: 'op-a', clientId: 'tab-ws' });
    expect(login.user).toMatchObject({ role: 'operator', stations: ['a1', 'a2'] });
    expect(login.expiresAt - Date.now()).toBeGreaterThan(11 * 3600_000);
    const c = await h.connect(login.mqtt.username, login.mqtt.password, login.mqtt.clientId, true);
    const ackTopic = `floorboard/v1/${SITE}/_ack/tab-ws`;
    await subscribe(c, ackTopic);
    const event = countEvent({ deviceId: 'tab-ws' });
    const ack = nextMessage(c, ackTopic);
    await publish(c, topicA1, JSON.stringify({ events: [event] }));
    expect(ackSchema.parse(await ack).accepted).toEqual([event.id]);
    await expect(h.connect(undefined, undefined, 'anon-ws', true)).rejects.toThrow();
  });
});

describe('shutdown with tablets connected over WebSocket', () => {
  it('closes promptly instead of waiting for the upgraded sockets', async () => {
    const h = await startHarness();
    const res = await h.http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixtureLogin('op-a', 'tab-close')) });
    const login = (await res.json()) as { mqtt: { username: string; password: string; clientId: string } };
    const c = await h.connect(login.mqtt.username, login.mqtt.password, login.mqtt.clientId, true);
    const started = Date.now();
    await h.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(c.connected).toBe(false);
    c.end(true);
  });
});
