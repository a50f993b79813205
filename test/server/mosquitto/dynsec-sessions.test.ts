import { execFileSync } from 'node:child_process';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalOf, type Principal } from '../../../src/core/access.ts';
import { indexPlant, type PlantIndex } from '../../../src/core/plant-index.ts';
import { connectDynsec, type DynsecSessions } from '../../../src/server/broker/dynsec-sessions.ts';
import { loadPlantFile } from '../../../src/server/plant-file.ts';
import { startMosquitto, type MosquittoBroker } from '../../helpers/mosquitto.ts';
import { FIXTURE_PLANT } from '../support/service-harness.ts';
import { connectTo, pubackCode } from './mqtt-probe.ts';

describe('dynamic-security sessions against a real Mosquitto', () => {
  let broker: MosquittoBroker;
  let sessions: DynsecSessions | null;
  const clients: MqttClient[] = [];
  const logs: string[] = [];
  let principal: Principal;
  let index: PlantIndex;

  beforeAll(async () => {
    broker = await startMosquitto(FIXTURE_PLANT, 'dynsec');
    index = indexPlant(await loadPlantFile(FIXTURE_PLANT));
    const { MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD } = broker.serviceEnv;
    sessions = await connectDynsec({ url: MQTT_URL!, username: MQTT_USERNAME!, password: MQTT_PASSWORD!, clientId: 'dynsec-test', index: () => index, now: Date.now, log: (m) => logs.push(m) });
    principal = principalOf(index.plant.users.find((u) => u.id === 'op-a')!);
  }, 20_000);
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await sessions?.close();
    await broker?.stop();
  });

  it('deletes the broker client when the session expires, which disconnects it', async () => {
    expect(sessions).not.toBeNull();
    const username = await sessions!.open({ principal, deviceId: 'tab-exp', password: 'pw-exp-1', expiresAt: Date.now() + 800 });
    expect(username).toBe('op-a@tab-exp');
    const c = await connectTo(broker.tcpPort, { username, password: 'pw-exp-1', clientId: 'tab-exp' }, clients);
    const closed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 4000);
      c.once('close', () => (clearTimeout(timer), resolve(true)));
    });
    expect(await closed).toBe(true);
    await expect(connectTo(broker.tcpPort, { username, password: 'pw-exp-1', clientId: 'tab-exp' }, clients)).rejects.toThrow();
  });

  it('expires, after a restart of the service, the sessions the previous run created', async () => {
    const username = await sessions!.open({ principal, deviceId: 'tab-left', password: 'pw-left', expiresAt: Date.now() + 1500 });
    await sessions!.close();
    const c = await connectTo(broker.tcpPort, { username, password: 'pw-left', clientId: 'tab-left' }, clients);
    const closed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5000);
      c.once('close', () => (clearTimeout(timer), resolve(true)));
    });
    // A new run finds the client with its expiry in the description and deletes it on time.
    const { MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD } = broker.serviceEnv;
    sessions = await connectDynsec({ url: MQTT_URL!, username: MQTT_USERNAME!, password: MQTT_PASSWORD!, clientId: 'dynsec-test-2', index: () => index, now: Date.now, log: () => {} });
    expect(await closed).toBe(true);
  });

  it('replaces the session of the same user and device: the old password stops working', async () => {
    await sessions!.open({ principal, deviceId: 'tab-re', password: 'old-pw', expiresAt: Date.now() + 60_000 });
    await sessions!.open({ principal, deviceId: 'tab-re', password: 'new-pw', expiresAt: Date.now() + 60_000 });
    await expect(connectTo(broker.tcpPort, { username: 'op-a@tab-re', password: 'old-pw', clientId: 'tab-re' }, clients)).rejects.toThrow();
    await expect(connectTo(broker.tcpPort, { username: 'op-a@tab-re', password: 'new-pw', clientId: 'tab-re' }, clients)).resolves.toBeDefined();
  });

  it('creates the roles of the current plant at start, so a station added after broker-config works', async () => {
    // A broker of its own: the role must be missing before any session client names it (deleting a
    // role that clients still hold is not what happens in the field, and Mosquitto 2.0 mishandles it).
    const fresh = await startMosquitto(FIXTURE_PLANT, 'dynsec');
    let own: DynsecSessions | null = null;
    try {
      const { MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD } = fresh.serviceEnv;
      // As if a2 were new: its role is missing from the broker.
      execFileSync('/usr/bin/mosquitto_ctrl', ['-h', '127.0.0.1', '-p', String(fresh.tcpPort), '-u', MQTT_USERNAME!, '-P', MQTT_PASSWORD!, 'dynsec', 'deleteRole', 'fb-events-a2'], { stdio: 'ignore' });
      own = await connectDynsec({ url: MQTT_URL!, username: MQTT_USERNAME!, password: MQTT_PASSWORD!, clientId: 'dynsec-test-3', index: () => index, now: Date.now, log: () => {} });
      const username = await own!.open({ principal, deviceId: 'tab-new', password: 'pw-new', expiresAt: Date.now() + 60_000 });
      const c = await connectTo(fresh.tcpPort, { username, password: 'pw-new', clientId: 'tab-new', protocolVersion: 5 }, clients);
      expect(await pubackCode(c, 'floorboard/v1/test-site/assembly/line-a/station/a2/events', '{"events":[]}')).toBe(0);
    } finally {
      await own?.close();
      await fresh.stop();
    }
  });

  it('resolves null quickly on a broker without dynamic security for the account', async () => {
    const acl = await startMosquitto(FIXTURE_PLANT, 'acl');
    try {
      const started = Date.now();
      const none = await connectDynsec({ url: acl.serviceEnv.MQTT_URL!, username: '_service', password: acl.credentials._service!, clientId: 'probe', index: () => index, now: Date.now, log: () => {} });
      expect(none).toBeNull();
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await acl.stop();
    }
  });

  it('two instances of a cluster: a session signed in again keeps its later expiry, and one opened by a gone instance still expires', async () => {
    const { MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD } = broker.serviceEnv;
    const open = (clientId: string, sweepEveryMs?: number) =>
      connectDynsec({ url: MQTT_URL!, username: MQTT_USERNAME!, password: MQTT_PASSWORD!, clientId, index: () => index, now: Date.now, log: () => {}, ...(sweepEveryMs ? { sweepEveryMs } : {}) });
    const one = (await open('dynsec-cluster-1'))!;
    const two = (await open('dynsec-cluster-2', 300))!;
    try {
      // Signed in on instance one with a short token, then again on instance two with a long one.
      await one.open({ principal, deviceId: 'tab-again', password: 'pw-short', expiresAt: Date.now() + 600 });
      await two.open({ principal, deviceId: 'tab-again', password: 'pw-long', expiresAt: Date.now() + 60_000 });
      await new Promise((r) => setTimeout(r, 1500));
      // Instance one's timer came and went: the newer session is still there.
      await expect(connectTo(broker.tcpPort, { username: 'op-a@tab-again', password: 'pw-long', clientId: 'tab-again' }, clients)).resolves.toBeDefined();

      // A session opened by instance one, which then goes away with its timers.
      await one.open({ principal, deviceId: 'tab-orphan', password: 'pw-orphan', expiresAt: Date.now() + 1500 });
      await one.close();
      const c = await connectTo(broker.tcpPort, { username: 'op-a@tab-orphan', password: 'pw-orphan', clientId: 'tab-orphan' }, clients);
      const closed = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 5000);
        c.once('close', () => (clearTimeout(timer), resolve(true)));
      });
      // Instance two found it on its sweep and deleted it on time.
      expect(await closed).toBe(true);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
