import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { topics } from '../../src/core/index.ts';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { startTestPostgres, withPgClient } from '../helpers/postgres.ts';
import { connectDevices, drained, login, LOGINS, mosquittoEnv, PLANT, report, SimDevice, sleep, SITE, startServiceProcess, tally, useChaosRig, waitFor, type ServiceProcess } from './support/chaos-kit.ts';

const INSTANCES = 3;
const DEVICES = 20;
const EVENTS = 100_000;
const TOKEN_SECRET = 'chaos-cluster-token-secret-0123456789abcdef';
const LINE_A = { site: SITE, area: 'assembly', line: 'line-a' };

describe('a cluster of three instances on Mosquitto and PostgreSQL (issue 16)', () => {
  const rig = useChaosRig('fb-chaos-cluster-');

  it(`${EVENTS.toLocaleString('en')} events from ${DEVICES} devices; kill -9 of a follower, then of the leader: every event stored once, OEE counts each part once, a new leader within 10 s, versions rising`, async () => {
    const pg = await startTestPostgres();
    rig.after(() => pg.stop());
    const databaseUrl = await pg.createDatabase();
    const mosquitto = await startMosquitto(PLANT, 'dynsec');
    rig.after(() => mosquitto.stop());
    const env = (id: string) => ({ ...mosquittoEnv(mosquitto), DATABASE_URL: databaseUrl, TOKEN_SECRET, CLUSTER_GROUP: 'chaos', INSTANCE_ID: id, OEE_INTERVAL_MS: '1000' });
    const instances = new Map<string, ServiceProcess>();
    for (let i = 0; i < INSTANCES; i++) {
      const id = `inst-${i}`;
      instances.set(id, await startServiceProcess({ dataDir: `${rig.dataDir}/${id}`, env: env(id) }));
    }
    rig.after(async () => {
      for (const s of instances.values()) await s.stop();
    });
    const lease = () => withPgClient(databaseUrl, async (c) => (await c.query<{ holder: string; epoch: string }>('SELECT holder, epoch FROM leader_leases')).rows[0]);
    await waitFor('a leader', async () => (await lease()) !== undefined, 15_000);
    const first = (await lease())!;

    // The board: every version of line-a's status and OEE snapshot, as they arrive.
    const viewerLogin = await login(instances.get('inst-0')!.base, LOGINS.admin('chaos-cluster-viewer'));
    const viewer = mqtt.connect(`mqtt://127.0.0.1:${mosquitto.tcpPort}`, { ...viewerLogin.mqtt, reconnectPeriod: 1000, log: () => {} });
    rig.after(() => viewer.endAsync(true).then(() => {}));
    const seen = new Map<string, { version: number; at: number }[]>();
    const watched = [topics.lineStatus(LINE_A), topics.lineOee(LINE_A)];
    viewer.on('message', (topic, payload) => {
      const version = (JSON.parse(payload.toString()) as { version?: number }).version;
      if (version !== undefined) seen.set(topic, [...(seen.get(topic) ?? []), { version, at: performance.now() }]);
    });
    await new Promise<void>((resolve) => viewer.once('connect', () => viewer.subscribe(watched, { qos: 1 }, () => resolve())));

    const { devices } = rig;
    for (let i = 0; i < DEVICES; i++) devices.push(new SimDevice(`cl-${i}`, 'tablet'));
    await connectDevices(instances.get('inst-1')!.base, `mqtt://127.0.0.1:${mosquitto.tcpPort}`, devices, (d) => LOGINS.opA(d.deviceId));
    const admin = await login(instances.get('inst-2')!.base, LOGINS.admin('chaos-cluster-admin'));
    const from = Date.now() - 60_000;

    // Taps: 5 per device every 20 ms (5,000 a second) until EVENTS were made.
    let made = 0;
    const tapping = (async () => {
      while (made < EVENTS) {
        for (const d of devices) for (let k = 0; k < 5 && made < EVENTS; k++, made++) d.record();
        await sleep(20);
      }
    })();
    const t0 = performance.now();
    // A follower dies a third of the way in.
    await waitFor('a third of the events', () => made >= EVENTS / 3, 120_000, 20);
    const followerId = [...instances.keys()].find((id) => id !== first.holder)!;
    await instances.get(followerId)!.kill9();
    const followerKilledAt = performance.now() - t0;
    // The leader dies two thirds of the way in; the time until another instance holds the lease is the failover.
    await waitFor('two thirds of the events', () => made >= (2 * EVENTS) / 3, 120_000, 20);
    const versionsBefore = Math.max(...(seen.get(topics.lineOee(LINE_A)) ?? []).map((s) => s.version));
    await instances.get(first.holder)!.kill9();
    const killedAt = performance.now();
    let next: { holder: string; epoch: string } | undefined;
    await waitFor('a new leader', async () => ((next = await lease()), next !== undefined && next.epoch !== first.epoch), 30_000, 50);
    const failoverMs = Math.round(performance.now() - killedAt);
    // The killed follower comes back and joins again.
    await instances.get(followerId)!.restart();
    await tapping;
    const drainStart = performance.now();
    await drained(devices, 120_000);
    const drainMs = Math.round(performance.now() - drainStart);
    const survivor = instances.get(next!.holder)!;
    // The new leader's snapshots: a higher version than any of the old leader's, and from its epoch.
    await waitFor('a snapshot of the new leader', () => (seen.get(topics.lineOee(LINE_A)) ?? []).some((s) => Math.floor(s.version / 2 ** 32) === Number(next!.epoch)), 15_000);
    // What the instances said about their leases (a renewal late or slow under load): for the report.
    for (const [id, s] of instances) for (const line of s.log().split('\n').filter((l) => l.includes('leader lease'))) console.log(`${id}: ${line.slice(0, 300)}`);
    // A leader that stopped (a lost lease exits the process) says why in its log.
    const isUp = await fetch(`${survivor.base}/healthz`).then(() => true, () => false);
    if (!isUp) throw new Error(`the new leader ${next!.holder} is down; its log:\n${survivor.log()}`);
    const t = await tally({ base: survivor.base, databaseUrl, dataDir: rig.dataDir, devices, from, adminToken: admin.token });
    const risingPerTopic = watched.every((topic) => (seen.get(topic) ?? []).every((s, i, all) => i === 0 || s.version > all[i - 1]!.version));
    const firstOfNew = (seen.get(topics.lineOee(LINE_A)) ?? []).find((s) => Math.floor(s.version / 2 ** 32) === Number(next!.epoch))!;
    report('cluster-3-instances', {
      events: made, followerKilledAtMs: Math.round(followerKilledAt), failoverMs, firstSnapshotAfterKillMs: Math.round(firstOfNew.at - killedAt), drainAfterMs: drainMs,
      oldEpoch: Number(first.epoch), newEpoch: Number(next!.epoch), versionsRising: risingPerTopic, ...t,
    });
    expect(t).toMatchObject({ lost: 0, doubledRows: 0, rejected: 0, oeeLost: 0, oeeDoubled: 0 });
    expect(t.sent).toBe(EVENTS);
    expect(failoverMs).toBeLessThan(10_000);
    expect(Number(next!.epoch)).toBeGreaterThan(Number(first.epoch));
    expect(firstOfNew.version).toBeGreaterThan(versionsBefore);
    expect(risingPerTopic).toBe(true);
  });
});
