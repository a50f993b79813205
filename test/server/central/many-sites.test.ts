import mqtt, { type MqttClient } from 'mqtt';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centralBoardSchema } from '../../../src/core/central/central-board.ts';
import { topics } from '../../../src/core/topics.ts';
import type { Service } from '../../../src/server/start-service.ts';
import { CENTRAL_USERS, SITE_A as SITE, SITE_B, startManySites, type ManySites } from '../../helpers/many-sites.ts';

/** The issue asks for the central link cut for 30 s under load. */
const CUT_MS = 30_000;

/**
 * Issue 16, many sites: two sites, each with its own Mosquitto (bridged, from broker-config
 * --bridge-to) and service; a central Mosquitto (from broker-config --central) and the central
 * service. Real processes and sockets on loopback.
 */
describe('two sites bridged to a central service and board', () => {
  let rig: ManySites;
  const clients: MqttClient[] = [];
  beforeAll(async () => {
    rig = await startManySites();
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await rig?.close();
  });
  const tick = () => rig.tick();
  const idsAt = async (storage: { listEvents: Service['storage']['listEvents'] }) => (await storage.listEvents({ limit: 1_000_000 })).events.map((e) => e.event.id);
  async function until(what: string, check: () => Promise<boolean> | boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const http = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${rig.centre.httpPort}${path}`, init);
  const login = async (userId: string, password: string) => {
    const res = await http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'password', userId, password, deviceId: `central-${userId}` }) });
    expect(res.status, await res.clone().text()).toBe(200);
    return { authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
  };
  const board = async (auth: { authorization: string }) => centralBoardSchema.parse(await (await http('/api/central/board', { headers: auth })).json());

  it('keeps every entry of both sites at the centre across a 30 s cut of the central link, while each site works alone', async () => {
    for (let i = 0; i < 20; i++) {
      await tick();
      await new Promise((r) => setTimeout(r, 50));
    }
    await until('the first entries at the centre', async () => (await idsAt(await rig.centre.storageOf(SITE))).length > 0 && (await idsAt(await rig.centre.storageOf(SITE_B))).length > 0, 20_000);

    // The central broker goes away: both sites keep producing, and each stores everything itself.
    await rig.central.stop();
    const cutAt = Date.now();
    while (Date.now() - cutAt < CUT_MS) {
      await tick();
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const [site, s] of rig.sites) {
      await until(`site ${site} to store its entries of the cut`, async () => new Set(await idsAt(s.service.storage)).size >= rig.sent.get(site)!.length, 20_000);
      const atSite = new Set(await idsAt(s.service.storage));
      expect(rig.sent.get(site)!.filter((id) => !atSite.has(id))).toEqual([]);
    }
    const duringCut = (await idsAt(await rig.centre.storageOf(SITE))).length;
    expect(duringCut).toBeLessThan(rig.sent.get(SITE)!.length);

    await rig.central.start();
    for (let i = 0; i < 10; i++) {
      await tick();
      await new Promise((r) => setTimeout(r, 100));
    }
    // 0 lost and 0 doubled at the centre: every id once, per site.
    for (const site of [SITE, SITE_B]) {
      const want = rig.sent.get(site)!;
      await until(`site ${site}'s ${want.length} entries at the centre`, async () => (await idsAt(await rig.centre.storageOf(site))).length >= want.length, 90_000);
      const kept = await idsAt(await rig.centre.storageOf(site));
      expect(new Set(kept).size).toBe(kept.length);
      expect(want.filter((id) => !kept.includes(id))).toEqual([]);
      expect(kept.length).toBe(want.length);
    }
    console.log(`many sites: ${rig.sent.get(SITE)!.length + rig.sent.get(SITE_B)!.length} entries from 2 sites, central broker down ${CUT_MS} ms, 0 lost and 0 doubled at the centre`);
  }, 240_000);

  it('shows both sites with their areas, lines and figures to an admin, and only its own site to a site manager', async () => {
    const boss = await login('boss', CENTRAL_USERS.boss);
    await until('both sites on the board with figures', async () => {
      const b = await board(boss);
      return b.sites.length === 2 && b.sites.every((s) => !s.isSilent && s.oee !== null && s.areas.some((a) => a.lines.some((l) => l.oee !== null && l.status !== null)));
    }, 30_000);
    const b = await board(boss);
    expect(b.name).toBe('Acme Werke');
    // Named as the central file names them (the first site's card says 'Test site').
    expect(b.sites.map((s) => [s.id, s.name])).toEqual([[SITE, 'Werk Nord'], [SITE_B, 'Werk Süd']]);
    for (const s of b.sites) {
      // The card the site published: its areas and lines by name, in the plant's order.
      expect(s.areas.map((a) => a.id)).toEqual(['assembly', 'packing']);
      expect(s.areas[0]!.lines.map((l) => l.id)).toEqual(['line-a', 'line-b']);
      // The site's own engine counted the machine's parts, and the roll-ups are the site's.
      const lineA = s.areas[0]!.lines[0]!;
      expect(lineA.oee!.good).toBeGreaterThan(0);
      expect(s.oee!.scope).toBe('site');
      expect(s.areas[0]!.oee!.good).toBe(lineA.oee!.good + (s.areas[0]!.lines[1]!.oee?.good ?? 0));
    }

    const north = await login('mgr-north', CENTRAL_USERS['mgr-north']);
    const nb = await board(north);
    expect(nb.sites.map((s) => s.id)).toEqual([SITE]);
    expect(JSON.stringify(nb)).not.toContain(SITE_B);
    expect((await http('/api/central/board')).status).toBe(401);
    expect((await http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'password', userId: 'boss', password: 'wrong', deviceId: 'x' }) })).status).toBe(401);
  }, 60_000);

  it("refuses one site's bridge account on another site's topics, and dead-letters a malformed message without stalling", async () => {
    const onA = topics.signals({ site: SITE, area: 'assembly', line: 'line-a', station: 'a1' });
    // Site B's bridge account speaking for site A: the central broker drops it (ACL).
    const b = await mqtt.connectAsync(rig.central.url, { clientId: 'forger', username: `bridge-${SITE_B}`, password: rig.central.credentials[`bridge-${SITE_B}`], reconnectPeriod: 0 });
    clients.push(b);
    const forged = ulid();
    const event = { v: 1, deviceId: 'gw-forged', seq: 1, ts: Date.now(), author: 'gw-a', lineId: 'line-a', stationId: 'a1', type: 'machine.heartbeat' };
    await b.publishAsync(onA, JSON.stringify({ events: [{ ...event, id: forged }] }), { qos: 1 });
    // Site A's own bridge account: a malformed message, then a good one behind it.
    const a = await mqtt.connectAsync(rig.central.url, { clientId: 'site-a-probe', username: `bridge-${SITE}`, password: rig.central.credentials[`bridge-${SITE}`], reconnectPeriod: 0 });
    clients.push(a);
    await a.publishAsync(onA, '{"events": [', { qos: 1 });
    const good = ulid();
    await a.publishAsync(onA, JSON.stringify({ events: [{ ...event, id: good }] }), { qos: 1 });
    const storage = await rig.centre.storageOf(SITE);
    await until('the good message behind the malformed one', async () => (await idsAt(storage)).includes(good), 15_000);
    expect(await idsAt(storage)).not.toContain(forged);
    const letters = await storage.listDeadLetters(10);
    expect(letters.some((l) => l.code === 'bad-json' && l.topic === onA)).toBe(true);
  }, 60_000);
});
