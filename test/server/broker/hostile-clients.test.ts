import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ackSchema } from '../../../src/core/events.schema.ts';
import { countEvent, nextMessage, publish, publishIsRefused, SITE, startHarness, subscribe, type Harness, fixtureLogin } from '../support/service-harness.ts';

const root = `floorboard/v1/${SITE}`;
const lineA = `${root}/assembly/line-a`;
const lineB = `${root}/assembly/line-b`;

describe('hostile clients on the embedded broker', () => {
  let h: Harness;
  const tokens: Record<string, string> = {};
  const storedIds = async () => new Set((await h.service.storage.listEvents()).events.map((e) => e.event.id));

  beforeAll(async () => {
    h = await startHarness({}, { guardLimits: { freeFailures: 2, baseDelayMs: 200, maxDelayMs: 400, lockoutFailures: 5, lockoutMs: 60_000 } });
    tokens.opA = (await h.login(fixtureLogin('op-a', 'tab-a'))).token;
    tokens.mgr = (await h.login(fixtureLogin('mgr', 'dash-1'))).token;
    tokens.mgrPack = (await h.login(fixtureLogin('mgr-pack', 'dash-2'))).token;
    tokens.gw = (await h.login(fixtureLogin('gw-a', 'gw-dev'))).token;
    tokens.lead = (await h.login(fixtureLogin('lead-a', 'lead-tab'))).token;
  });
  afterAll(async () => h?.close());

  it('lets an operator subscribe to its own line and ack topic, not to line B or another device', async () => {
    const c = await h.connect('op-a', tokens.opA, 'tab-a');
    expect(await subscribe(c, `${lineA}/status`)).toBe(1);
    expect(await subscribe(c, `${lineA}/oee`)).toBe(1);
    expect(await subscribe(c, `${root}/_ack/tab-a`)).toBe(1);
    expect(await subscribe(c, `${lineB}/status`)).toBe(128);
    expect(await subscribe(c, `${lineB}/oee`)).toBe(128);
    expect(await subscribe(c, `${root}/+/+/status`)).toBe(128);
    expect(await subscribe(c, `${root}/_ack/tab-other`)).toBe(128);
    expect(await subscribe(c, `${root}/#`)).toBe(128);
    expect(await subscribe(c, '#')).toBe(128);
    expect(await subscribe(c, `${lineA}/station/a1/events`)).toBe(128);
    c.end(true);
  });

  it.each([
    ['events of line B', `${lineB}/station/b1/events`, { lineId: 'line-b', stationId: 'b1' }],
    ['a status topic', `${lineA}/status`, {}],
    ['an ack topic', `${root}/_ack/tab-a`, {}],
    ['signals of its own station', `${lineA}/station/a1/signals`, { type: 'machine.state', state: 'running' }],
    ['events with a forged area path', `${root}/packing/line-a/station/a1/events`, {}],
  ])('refuses an operator publishing %s and stores nothing', async (_name, topic, over) => {
    const c = await h.connect('op-a', tokens.opA, 'tab-a');
    const event = countEvent({ deviceId: 'tab-a', ...over });
    expect(await publishIsRefused(c, topic, JSON.stringify({ events: [event] }))).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect((await storedIds()).has(event.id as string)).toBe(false);
  });

  it('refuses events that claim another device: stores none of the batch, acks both rejected to the publisher alone, keeps its connection, dead-letters them with the reason', async () => {
    const c = await h.connect('op-a', tokens.opA, 'tab-a');
    expect(await subscribe(c, `${root}/_ack/tab-a`)).toBe(1);
    const own = countEvent({ deviceId: 'tab-a' });
    const forged = countEvent({ deviceId: 'tab-victim' });
    const message = 'event deviceId "tab-victim" is not the publishing client "tab-a": a device may only publish its own events';
    const ack = nextMessage<{ rejected: unknown[] }>(c, `${root}/_ack/tab-a`, 5000, (a) => JSON.stringify(a).includes(forged.id as string));
    await publish(c, `${lineA}/station/a1/events`, JSON.stringify({ events: [own, forged] }));
    expect(ackSchema.parse(await ack)).toMatchObject({
      deviceId: 'tab-a',
      accepted: [],
      rejected: [
        { index: 0, id: own.id, code: 'not-allowed', message },
        { index: 1, id: forged.id, code: 'not-allowed', message },
      ],
    });
    expect(c.connected).toBe(true);
    const stored = await storedIds();
    expect(stored.has(own.id as string)).toBe(false);
    expect(stored.has(forged.id as string)).toBe(false);
    const letter = (await h.service.storage.listDeadLetters(20)).find((d) => d.payload.includes(forged.id as string));
    expect(letter).toMatchObject({ code: 'not-allowed', deviceId: 'tab-a', topic: `${lineA}/station/a1/events`, message });
    // Its own device id still goes through, on the same connection.
    const next = countEvent({ deviceId: 'tab-a' });
    const accepted = nextMessage<{ accepted: string[] }>(c, `${root}/_ack/tab-a`, 5000, (a) => a.accepted?.includes(next.id as string));
    await publish(c, `${lineA}/station/a1/events`, JSON.stringify({ events: [next] }));
    expect((await accepted).accepted).toEqual([next.id]);
    c.end(true);
  });

  it('cannot forge a broker refusal: a sealed-looking payload of its own is dead-lettered as a bad batch and acks nobody', async () => {
    const c = await h.connect('op-a', tokens.opA, 'tab-a');
    const victim = countEvent({ deviceId: 'tab-a' });
    const forged = { brokerRefusal: { clientId: 'tab-victim', code: 'not-allowed', message: 'forged', ids: [victim.id], payload: '{}', mac: '0'.repeat(64) } };
    await publish(c, `${lineA}/station/a1/events`, JSON.stringify(forged));
    await new Promise((r) => setTimeout(r, 300));
    const letter = (await h.service.storage.listDeadLetters(20)).find((d) => d.payload.includes('brokerRefusal'));
    expect(letter).toMatchObject({ code: 'bad-shape', topic: `${lineA}/station/a1/events` });
    expect(letter?.deviceId).toBeUndefined();
    c.end(true);
  });

  it('refuses a manager publishing anything, and scopes its subscriptions', async () => {
    const c = await h.connect('mgr', tokens.mgr, 'dash-1');
    expect(await subscribe(c, `${root}/+/+/status`)).toBe(1);
    expect(await subscribe(c, `${root}/oee`)).toBe(1);
    const event = countEvent({ author: 'op-a' });
    expect(await publishIsRefused(c, `${lineA}/station/a1/events`, JSON.stringify({ events: [event] }))).toBe(true);
    expect((await storedIds()).has(event.id as string)).toBe(false);
    const p = await h.connect('mgr-pack', tokens.mgrPack, 'dash-2');
    expect(await subscribe(p, `${root}/packing/line-c/status`)).toBe(1);
    expect(await subscribe(p, `${root}/packing/oee`)).toBe(1);
    expect(await subscribe(p, `${lineA}/status`)).toBe(128);
    expect(await subscribe(p, `${root}/oee`)).toBe(128);
    p.end(true);
  });

  it('refuses a gateway publishing events, and one publishing signals of another station', async () => {
    const c = await h.connect('gw-a', tokens.gw, 'gw-dev');
    const event = countEvent({ author: 'gw-a', deviceId: 'gw-dev' });
    expect(await publishIsRefused(c, `${lineA}/station/a1/events`, JSON.stringify({ events: [event] }))).toBe(true);
    const c2 = await h.connect('gw-a', tokens.gw, 'gw-dev');
    expect(await publishIsRefused(c2, `${lineA}/station/a2/signals`, JSON.stringify({ events: [event] }))).toBe(true);
    expect((await storedIds()).has(event.id as string)).toBe(false);
  });

  it('lets a lead publish corrections for its line only', async () => {
    const c = await h.connect('lead-a', tokens.lead, 'lead-tab');
    await publish(c, `${lineA}/corrections`, JSON.stringify({ events: [countEvent({ deviceId: 'lead-tab', type: 'note', text: 'x' })] }));
    expect(await publishIsRefused(c, `${lineB}/corrections`, JSON.stringify({ events: [] }))).toBe(true);
  });

  it('refuses anonymous clients, a wrong token, an expired token and a client id that is not the device', async () => {
    await expect(h.connect(undefined, undefined, 'anon')).rejects.toThrow();
    await expect(h.connect('op-a', 'not-a-token', 'tab-a')).rejects.toThrow();
    await expect(h.connect('op-b', tokens.opA, 'tab-a')).rejects.toThrow();
    await expect(h.connect('op-a', tokens.opA, 'someone-else')).rejects.toThrow();
    const secret = (await readFile(join(h.dataDir, 'secret'), 'utf8')).trim();
    const expired = await new SignJWT({ role: 'operator', did: 'tab-a' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('op-a')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(secret));
    await expect(h.connect('op-a', expired, 'tab-a')).rejects.toThrow();
    expect((await h.http('/api/plant', { headers: { authorization: `Bearer ${expired}` } })).status).toBe(401);
  });

  it('slows down then locks out a wrong PIN loop, even for the right PIN afterwards', async () => {
    const attempt = (pin: string) =>
      h.http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'badge', badge: '1002', pin, deviceId: 'tab-b' }) });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await attempt('0000');
      statuses.push(res.status);
      if (res.status === 429) {
        const { error } = (await res.json()) as { error: { retryAfterMs: number } };
        await new Promise((r) => setTimeout(r, error.retryAfterMs + 20));
      }
      if (res.status === 423) break;
    }
    expect(statuses.slice(0, 2)).toEqual([401, 401]);
    expect(statuses).toContain(429);
    expect(statuses.at(-1)).toBe(423);
    expect((await attempt('2345')).status).toBe(423);
    // Other badges are not affected.
    expect((await h.http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixtureLogin('op-a', 'tab-a')) })).status).toBe(200);
  });

  it('answers a malformed login with a precise 400', async () => {
    const res = await h.http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'badge', badge: '1001' }) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: string[] } };
    expect(body.error.code).toBe('invalid-arguments');
    expect(body.error.details.join('\n')).toMatch(/pin/);
  });
});
