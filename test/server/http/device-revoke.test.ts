import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicesSchema, revocationSchema } from '../../../src/core/contracts/devices.ts';
import { topics } from '../../../src/core/index.ts';
import { countEvent, fixtureLogin, nextMessage, publish, publishIsRefused, SITE, startHarness, subscribe, topicA1, type Harness } from '../support/service-harness.ts';

/** Resolves the ms until the client's connection closes (rejects after `ms`). */
const closedWithin = (client: MqttClient, ms: number) =>
  new Promise<number>((resolve, reject) => {
    const started = Date.now();
    const timer = setTimeout(() => reject(new Error(`still connected after ${ms} ms`)), ms);
    client.once('close', () => (clearTimeout(timer), resolve(Date.now() - started)));
  });

describe('devices: the admin list, and a revocation that ends the device session at once (embedded broker)', () => {
  let h: Harness;
  let adminAuth: { authorization: string };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const list = async () => devicesSchema.parse(await (await h.http('/api/devices', { headers: adminAuth })).json()).devices;
  const revoke = (deviceId: string, headers = adminAuth) =>
    h.http(`/api/devices/${deviceId}/revoke`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'lost on the floor' }) });
  const report = (deviceId: string, waiting: number) => JSON.stringify({ v: 1, deviceId, appVersion: '1.2.3', waiting, stationId: 'a1', at: Date.now() });

  beforeAll(async () => {
    h = await startHarness();
    adminAuth = bearer((await h.login(fixtureLogin('admin', 'adm-dev'))).token);
  });
  afterAll(async () => h?.close());

  it('lists tablets and gateways with who claimed them, last seen, app version, waiting entries and clock offset; admins only', async () => {
    await h.login(fixtureLogin('lead-a', 'tab-list')); // the lead enrols the tablet
    const op = await h.login({ ...fixtureLogin('op-a', 'tab-list'), stationId: 'a1' });
    const tablet = await h.connect('op-a', op.token, 'tab-list');
    await subscribe(tablet, topics.ack(SITE, 'tab-list'));
    const acked = nextMessage(tablet, topics.ack(SITE, 'tab-list'));
    await publish(tablet, topicA1, JSON.stringify({ events: [countEvent({ deviceId: 'tab-list', ts: Date.now() + 4000 })] }));
    await acked;
    await publish(tablet, topics.deviceStatus(SITE, 'tab-list'), report('tab-list', 7));
    const gw = await h.login(fixtureLogin('gw-a', 'gw-list'));
    await h.connect('gw-a', gw.token, 'gw-list');

    let devices = await list();
    for (let i = 0; i < 50 && devices.find((d) => d.deviceId === 'tab-list')?.waiting !== 7; i++) {
      await new Promise((r) => setTimeout(r, 50));
      devices = await list();
    }
    const row = devices.find((d) => d.deviceId === 'tab-list')!;
    expect(row).toMatchObject({ kind: 'tablet', stationIds: ['a1'], claimedBy: 'lead-a', appVersion: '1.2.3', waiting: 7, revokedAt: null });
    expect(row.lastSeenAt).toBeGreaterThan(Date.now() - 10_000);
    // The event was stamped 4 s ahead: the service measured the tablet's clock.
    expect(row.clockOffsetMs).toBeGreaterThan(2000);
    expect(devices.find((d) => d.deviceId === 'gw-list')).toMatchObject({ kind: 'gateway', stationIds: ['a1'], claimedBy: 'gw-a' });

    for (const who of ['lead-a', 'mgr', 'gw-a'] as const) {
      const token = (await h.login(fixtureLogin(who, `${who}-peek`))).token;
      expect((await h.http('/api/devices', { headers: bearer(token) })).status, who).toBe(403);
      expect((await revoke('tab-list', bearer(token))).status, who).toBe(403);
    }
    expect((await h.http('/api/devices')).status).toBe(401);
  });

  it('refuses a device report on another device\'s topic', async () => {
    const op = await h.login({ ...fixtureLogin('op-a', 'tab-liar'), stationId: 'a1' });
    const client = await h.connect('op-a', op.token, 'tab-liar');
    expect(await publishIsRefused(client, topics.deviceStatus(SITE, 'tab-list'), report('tab-list', 0))).toBe(true);
  });

  it('revoking a tablet drops its connection within 1 s, refuses its tokens and its operators until a lead enrols it again', async () => {
    await h.login(fixtureLogin('lead-a', 'tab-rv'));
    const op = await h.login({ ...fixtureLogin('op-a', 'tab-rv'), stationId: 'a1' });
    const tablet = await h.connect('op-a', op.token, 'tab-rv');
    const closed = closedWithin(tablet, 1000);
    const res = await revoke('tab-rv');
    expect(res.status).toBe(200);
    expect(revocationSchema.parse(await res.json())).toMatchObject({ deviceId: 'tab-rv', revokedBy: 'admin', claimedBy: 'lead-a', closedSessions: 1 });
    expect(await closed).toBeLessThan(1000);
    // In the admins' action log, with who did it and why.
    const actions = (await (await h.http('/api/admin/actions', { headers: adminAuth })).json()) as { actions: { kind: string; author: string; reason: string; detail: string }[] };
    expect(actions.actions.find((a) => a.kind === 'revoke-device' && a.detail.includes('tab-rv'))).toMatchObject({ author: 'admin', reason: 'lost on the floor' });

    await expect(h.connect('op-a', op.token, 'tab-rv')).rejects.toThrow();
    const api = await h.http('/api/plant', { headers: bearer(op.token) });
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ error: { code: 'device-revoked' } });
    // An operator's PIN does not re-enrol it.
    const pin = await h.http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...fixtureLogin('op-a', 'tab-rv'), stationId: 'a1' }) });
    expect(pin.status).toBe(403);
    expect(await pin.json()).toMatchObject({ error: { code: 'device-revoked' } });
    expect((await list()).find((d) => d.deviceId === 'tab-rv')).toMatchObject({ revokedBy: 'admin', claimedBy: null });

    // A lead enrols it again: a fresh claim, and the operator's entries go through again.
    await h.login(fixtureLogin('lead-a', 'tab-rv'));
    const again = await h.login({ ...fixtureLogin('op-a', 'tab-rv'), stationId: 'a1' });
    const back = await h.connect('op-a', again.token, 'tab-rv');
    await subscribe(back, topics.ack(SITE, 'tab-rv'));
    const ack = nextMessage<{ accepted: string[] }>(back, topics.ack(SITE, 'tab-rv'));
    const event = countEvent({ deviceId: 'tab-rv' });
    await publish(back, topicA1, JSON.stringify({ events: [event] }));
    expect((await ack).accepted).toContain(event.id);
    expect((await list()).find((d) => d.deviceId === 'tab-rv')).toMatchObject({ claimedBy: 'lead-a' });
  });

  it('revoking a gateway drops it within 1 s and refuses its old token; its own sign-in enrols it again', async () => {
    const gw = await h.login(fixtureLogin('gw-a', 'gw-rv'));
    const client = await h.connect('gw-a', gw.token, 'gw-rv');
    const closed = closedWithin(client, 1000);
    expect((await revoke('gw-rv')).status).toBe(200);
    expect(await closed).toBeLessThan(1000);
    await expect(h.connect('gw-a', gw.token, 'gw-rv')).rejects.toThrow();
    const fresh = await h.login(fixtureLogin('gw-a', 'gw-rv'));
    await h.connect('gw-a', fresh.token, 'gw-rv');
  });

  it('keeps a revocation across a restart, and answers an unknown device with 404', async () => {
    const op = await h.login({ ...fixtureLogin('op-b', 'tab-keep') });
    expect((await revoke('tab-keep')).status).toBe(200);
    await h.restart();
    adminAuth = bearer((await h.login(fixtureLogin('admin', 'adm-dev'))).token);
    expect((await h.http('/api/plant', { headers: bearer(op.token) })).status).toBe(403);
    await expect(h.connect('op-b', op.token, 'tab-keep')).rejects.toThrow();
    expect((await revoke('tab-never')).status).toBe(404);
    expect((await revoke('Not_An-Id')).status).toBe(400);
  });
});
