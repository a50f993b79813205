import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect as tcpConnect } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { SERVICE_CLIENT_ID } from '../../../src/server/start-service.ts';
import { isReservedClientId } from '../../../src/server/auth/reserved-client-ids.ts';
import { countEvent, nextMessage, publish, signToken, SITE, startHarness, subscribe, topicA1, type Harness, fixtureLogin } from '../support/service-harness.ts';

const root = `floorboard/v1/${SITE}`;
const lineA = `${root}/assembly/line-a`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves true when the connection closes within `ms`. */
const closesWithin = (client: MqttClient, ms: number) =>
  new Promise<boolean>((resolve) => {
    if (!client.connected) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    client.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

describe('embedded broker hardening', () => {
  let h: Harness;
  /** The service's clock runs `skew` ms ahead of the real one: tests move it past a token's expiry. */
  let skew = 0;
  const sign = (claims: { sub: string; role: string; did: string }, expiresAtMs: number) => signToken(h.dataDir, claims, expiresAtMs);

  beforeAll(async () => {
    h = await startHarness({ oeeIntervalMs: 100 }, { now: () => Date.now() + skew });
  });
  afterAll(async () => h?.close());

  it('reserves the service client id: no login for it, no connect with it, ingest keeps its session', async () => {
    expect(isReservedClientId(SERVICE_CLIENT_ID)).toBe(true);
    const res = await h.http('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fixtureLogin('op-a', SERVICE_CLIENT_ID)),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { details: string[] } }).error.details.join('\n')).toMatch(/deviceId: is reserved for the plant service/);
    // A token minted for that device id (an older build issued them) is refused by the broker too.
    const token = await sign({ sub: 'op-a', role: 'operator', did: SERVICE_CLIENT_ID }, Date.now() + 3600_000);
    await expect(h.connect('op-a', token, SERVICE_CLIENT_ID)).rejects.toThrow();
    const tablet = await h.connect('op-a', (await h.login(fixtureLogin('op-a', 'tab-h1'))).token, 'tab-h1');
    expect(await subscribe(tablet, `${root}/_ack/tab-h1`)).toBe(1);
    const event = countEvent({ deviceId: 'tab-h1' });
    const ack = nextMessage<{ accepted: string[] }>(tablet, `${root}/_ack/tab-h1`);
    await publish(tablet, topicA1, JSON.stringify({ events: [event] }));
    expect((await ack).accepted).toContain(event.id);
    tablet.end(true);
  });

  it("refuses another user the client id of a connected device (no kicking it off, no reading its acks); the same user may reconnect", async () => {
    // An admin enrols the tablet, so both operators may sign in on it (a shared tablet).
    await h.login(fixtureLogin('admin', 'tab-victim'));
    const victim = await h.connect('op-a', (await h.login(fixtureLogin('op-a', 'tab-victim'))).token, 'tab-victim');
    expect(await subscribe(victim, `${root}/_ack/tab-victim`)).toBe(1);
    const thiefToken = (await h.login(fixtureLogin('op-b', 'tab-victim'))).token;
    await expect(h.connect('op-b', thiefToken, 'tab-victim')).rejects.toThrow();
    expect(victim.connected).toBe(true);
    const event = countEvent({ deviceId: 'tab-victim' });
    const ack = nextMessage<{ accepted: string[] }>(victim, `${root}/_ack/tab-victim`);
    await publish(victim, topicA1, JSON.stringify({ events: [event] }));
    expect((await ack).accepted).toContain(event.id);
    // The same operator reconnecting (a half-open socket on the old link) takes the id over.
    const again = await h.connect('op-a', (await h.login(fixtureLogin('op-a', 'tab-victim'))).token, 'tab-victim');
    expect(await closesWithin(victim, 2000)).toBe(true);
    again.end(true);
    await sleep(100);
    // Once the holder is gone, the id is free again (a shared tablet's next operator).
    const next = await h.connect('op-b', thiefToken, 'tab-victim');
    next.end(true);
  });

  it('refuses a retained publish from a device, even on its own events topic, and keeps nothing retained', async () => {
    const c = await h.connect('op-a', (await h.login(fixtureLogin('op-a', 'tab-h2'))).token, 'tab-h2');
    const event = countEvent({ deviceId: 'tab-h2' });
    const closed = closesWithin(c, 1500);
    c.publish(topicA1, JSON.stringify({ events: [event] }), { qos: 1, retain: true });
    expect(await closed).toBe(true);
    await sleep(200);
    expect((await h.service.storage.listEvents()).events.some((e) => e.event.id === event.id)).toBe(false);
    const adminToken = (await h.login(fixtureLogin('admin', 'adm-1'))).token;
    const a = await h.connect('admin', adminToken, 'adm-1');
    let retained = 0;
    a.on('message', (_t, _p, packet) => packet.retain && retained++);
    expect(await subscribe(a, topicA1)).toBe(1);
    await sleep(300);
    expect(retained).toBe(0);
    a.end(true);
  });

  it('does not deliver a will message on a topic the device may not publish', async () => {
    const mgr = await h.connect('mgr', (await h.login(fixtureLogin('mgr', 'dash-h'))).token, 'dash-h');
    expect(await subscribe(mgr, `${lineA}/status`)).toBe(1);
    const forged: string[] = [];
    mgr.on('message', (_t, payload) => payload.toString().includes('forged') && forged.push(payload.toString()));
    const token = (await h.login(fixtureLogin('op-a', 'tab-h3'))).token;
    const c = mqtt.connect(`mqtt://127.0.0.1:${h.service.mqttPort}`, {
      clientId: 'tab-h3', username: 'op-a', password: token, reconnectPeriod: 0,
      will: { topic: `${lineA}/status`, payload: Buffer.from('{"forged":true}'), qos: 1, retain: false },
    });
    await new Promise((resolve) => c.once('connect', resolve));
    c.stream.destroy(); // unclean: the broker publishes the will, if allowed
    await sleep(500);
    expect(forged).toEqual([]);
    mgr.end(true);
  });

  it('closes an open connection when its token expires, and delivers nothing after', async () => {
    const token = (await h.login(fixtureLogin('op-a', 'tab-h4'))).token;
    const c = await h.connect('op-a', token, 'tab-h4');
    expect(await subscribe(c, `${lineA}/oee`)).toBe(1);
    await nextMessage(c, `${lineA}/oee`, 3000);
    let after = 0;
    const closed = closesWithin(c, 3000);
    skew = 13 * 3600_000; // past the operator's 12 h token
    c.on('message', () => after++);
    expect(await closed).toBe(true);
    expect(after).toBe(0);
    skew = 0;
  });

  it('closes an idle connection when its token expires (no traffic needed)', async () => {
    const token = await sign({ sub: 'op-a', role: 'operator', did: 'tab-h5' }, Date.now() + 2000);
    const c = await h.connect('op-a', token, 'tab-h5');
    expect(await closesWithin(c, 5000)).toBe(true);
  });

  it('drops a client that announces an oversize packet before reading it whole', async () => {
    const socket = tcpConnect(h.service.mqttPort!, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const closed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 3000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    socket.on('error', () => undefined);
    // CONNECT announcing 100 MiB (remaining length as a 4-byte varint), then 2 MiB of it.
    const length = 100 * 1024 * 1024;
    const varint = [length & 0x7f | 0x80, (length >> 7) & 0x7f | 0x80, (length >> 14) & 0x7f | 0x80, (length >> 21) & 0x7f];
    socket.write(Buffer.from([0x10, ...varint]));
    for (let i = 0; i < 32 && !socket.destroyed; i++) socket.write(Buffer.alloc(64 * 1024, 0x61));
    expect(await closed).toBe(true);
  });

  it('still takes a batch just over the ingest limit and dead-letters it, instead of cutting the connection', async () => {
    const token = (await h.login(fixtureLogin('op-a', 'tab-h6'))).token;
    const c = await h.connect('op-a', token, 'tab-h6');
    expect(await subscribe(c, `${root}/_ack/tab-h6`)).toBe(1);
    const big = JSON.stringify({ events: [countEvent({ deviceId: 'tab-h6', type: 'note', text: 'x'.repeat(300 * 1024) })] });
    await publish(c, topicA1, big);
    await sleep(300);
    expect(c.connected).toBe(true);
    c.end(true);
  });
});
