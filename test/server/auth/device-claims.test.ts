import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { signToken, SITE, startHarness, subscribe, type Harness } from '../support/service-harness.ts';

const root = `floorboard/v1/${SITE}`;
const lineA = `${root}/assembly/line-a`;
const lineB = `${root}/assembly/line-b`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Defects 3 and 4 of issue 11, on the embedded broker: a device id belongs to whoever first signed
// in with it; nobody else takes over its persistent session, reads its queue or locks it out.
describe('device ids claimed by their first user (embedded broker)', () => {
  let h: Harness;
  const open: MqttClient[] = [];
  const loginStatus = async (body: Record<string, unknown>) => {
    const res = await h.http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { token?: string; error?: { code: string; message: string } } };
  };
  const badge = (who: 'op-a' | 'op-b', deviceId: string) => ({ kind: 'badge', badge: who === 'op-a' ? '1001' : '1002', pin: who === 'op-a' ? '1234' : '2345', deviceId });
  const password = (userId: string, pass: string, deviceId: string) => ({ kind: 'password', userId, password: pass, deviceId });
  /** A persistent-session (clean: false) connection, which keeps its queue while offline. */
  const persistent = (username: string, token: string, clientId: string) =>
    new Promise<MqttClient>((resolve, reject) => {
      const c = mqtt.connect(`mqtt://127.0.0.1:${h.service.mqttPort}`, { clientId, username, password: token, clean: false, reconnectPeriod: 0, connectTimeout: 5000 });
      open.push(c);
      c.once('connect', () => resolve(c));
      c.once('error', reject);
      c.once('close', () => reject(new Error('connection closed')));
    });

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    for (const c of open) c.end(true);
    await h?.close();
  });

  it.each([
    ["a gateway's", password('gw-a', 'gw-pass', 'gw-own'), badge('op-a', 'gw-own'), 'device "gw-own" belongs to gateway "gw-a": sign in on your own device'],
    ["a site manager's dashboard", password('mgr', 'mgr-pass', 'dash-own'), password('mgr-pack', 'mgr-pass', 'dash-own'), 'device "dash-own" belongs to manager "mgr": sign in on your own device'],
    ["another line's operator's tablet", badge('op-a', 'tab-own'), badge('op-b', 'tab-own'), 'device "tab-own" belongs to operator "op-a": sign in on your own device'],
    ["a lead's tablet, to an operator of another line", password('lead-a', 'lead-pass', 'tab-lead-own'), badge('op-b', 'tab-lead-own'), 'device "tab-lead-own" belongs to lead "lead-a": sign in on your own device'],
  ])('refuses a login with %s device id (403), and the owner keeps signing in', async (_name, owner, other, message) => {
    expect((await loginStatus(owner)).status).toBe(200);
    expect(await loginStatus(other)).toEqual({ status: 403, body: { error: { code: 'forbidden', message } } });
    expect((await loginStatus(owner)).status).toBe(200);
  });

  it('lets operators sign in on a tablet a lead of their line or an admin enrolled (a shared tablet), and an admin anywhere', async () => {
    expect((await loginStatus(password('lead-a', 'lead-pass', 'tab-enrolled'))).status).toBe(200);
    expect((await loginStatus(badge('op-a', 'tab-enrolled'))).status).toBe(200);
    expect((await loginStatus(password('admin', 'admin-pass', 'tab-admin'))).status).toBe(200);
    expect((await loginStatus(badge('op-b', 'tab-admin'))).status).toBe(200);
    // An admin may sign in on any device (to re-enrol a tablet).
    expect((await loginStatus(password('admin', 'admin-pass', 'tab-enrolled'))).status).toBe(200);
  });

  it("refuses at CONNECT a valid token for a device someone else owns (a token from before the claim)", async () => {
    expect((await loginStatus(password('gw-a', 'gw-pass', 'gw-claimed'))).status).toBe(200);
    const token = await signToken(h.dataDir, { sub: 'op-a', role: 'operator', did: 'gw-claimed' }, Date.now() + 3600_000);
    await expect(h.connect('op-a', token, 'gw-claimed')).rejects.toThrow(/Not authorized/i);
  });

  it("delivers nothing of a persistent session's queue that the next user on the device may not read", async () => {
    // An admin enrols a tablet and follows the site while setting it up (persistent session).
    const adminToken = (await loginStatus(password('admin', 'admin-pass', 'tab-queue'))).body.token!;
    const setup = await persistent('admin', adminToken, 'tab-queue');
    for (const t of [`${root}/oee`, `${root}/_deadletter`, `${lineB}/status`, `${lineA}/status`, `${root}/_ack/tab-queue`])
      expect(await subscribe(setup, t)).toBe(1);
    setup.end(true);
    await sleep(100);
    // While it is offline, messages pile up in its queue.
    const publisher = await h.connect('admin', (await loginStatus(password('admin', 'admin-pass', 'adm-pub'))).body.token!, 'adm-pub');
    for (const t of [`${root}/oee`, `${root}/_deadletter`, `${lineB}/status`, `${lineA}/status`, `${root}/_ack/tab-queue`])
      await publisher.publishAsync(t, JSON.stringify({ queued: t }), { qos: 1 });
    // Then an operator of line A signs in on the tablet and resumes the session.
    const opToken = (await loginStatus(badge('op-a', 'tab-queue'))).body.token!;
    const seen: string[] = [];
    const c = mqtt.connect(`mqtt://127.0.0.1:${h.service.mqttPort}`, { clientId: 'tab-queue', username: 'op-a', password: opToken, clean: false, reconnectPeriod: 0 });
    open.push(c);
    c.on('message', (t) => seen.push(t));
    const sessionPresent = await new Promise<boolean>((resolve, reject) => (c.once('connect', (ack) => resolve(ack.sessionPresent)), c.once('error', reject)));
    expect(sessionPresent).toBe(true);
    // And new messages on the session's old subscriptions, live.
    await publisher.publishAsync(`${root}/oee`, JSON.stringify({ live: true }), { qos: 1 });
    await publisher.publishAsync(`${lineA}/status`, JSON.stringify({ live: true }), { qos: 1 });
    await sleep(800);
    // Only what an operator of line A may read (the service may also republish line A's status meanwhile).
    expect([...new Set(seen)].sort()).toEqual([`${root}/_ack/tab-queue`, `${lineA}/status`]);
    expect(seen.filter((t) => t === `${lineA}/status`).length).toBeGreaterThanOrEqual(2);
  });

  it('lets the owner of a device take its client id over from a user holding it: nobody locks a device out', async () => {
    const adminToken = (await loginStatus(password('admin', 'admin-pass', 'tab-lock'))).body.token!;
    const holder = await h.connect('op-a', (await loginStatus(badge('op-a', 'tab-lock'))).body.token!, 'tab-lock');
    const closed = new Promise<void>((resolve) => holder.once('close', () => resolve()));
    const owner = await h.connect('admin', adminToken, 'tab-lock');
    expect(owner.connected).toBe(true);
    await closed;
    // The holder cannot take it back while the owner is connected.
    await expect(h.connect('op-a', (await loginStatus(badge('op-a', 'tab-lock'))).body.token!, 'tab-lock')).rejects.toThrow(/Not authorized/i);
    expect(owner.connected).toBe(true);
  });
});
