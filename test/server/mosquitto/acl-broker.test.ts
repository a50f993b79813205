import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type MosquittoBroker } from '../../helpers/mosquitto.ts';
import { FIXTURE_PLANT, SITE } from '../support/service-harness.ts';
import { connectTo, pubackCode, recorder, sleep, subackCode } from './mqtt-probe.ts';

const root = `floorboard/v1/${SITE}`;
const lineA = `${root}/assembly/line-a`;
const lineB = `${root}/assembly/line-b`;

/**
 * The static mode (`--auth acl`): password_file + acl_file with the generated per-user passwords.
 * Mosquitto 2.0's acl_file is checked when a message is sent and when it would be delivered, not at
 * SUBSCRIBE: a subscription past the scope is granted but never receives anything (asserted below).
 */
describe('Mosquitto with the generated password and ACL files', () => {
  let broker: MosquittoBroker;
  const clients: MqttClient[] = [];
  const as = (user: string, clientId: string) => connectTo(broker.tcpPort, { username: user, password: broker.credentials[user]!, clientId, protocolVersion: 5 }, clients);

  beforeAll(async () => {
    broker = await startMosquitto(FIXTURE_PLANT, 'acl');
  }, 20_000);
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await broker?.stop();
  });

  it('refuses anonymous clients and wrong passwords', async () => {
    await expect(connectTo(broker.tcpPort, { clientId: 'anon' }, clients)).rejects.toThrow();
    await expect(connectTo(broker.tcpPort, { username: 'op-a', password: 'guess', clientId: 'x' }, clients)).rejects.toThrow();
    await expect(connectTo(broker.tcpPort, { username: 'op-a', password: broker.credentials['op-b']!, clientId: 'x' }, clients)).rejects.toThrow();
  });

  it('delivers what the scope allows and nothing past it', async () => {
    const service = await as('_service', 'svc');
    const opA = await as('op-a', 'tab-a');
    const seenByService = recorder(service);
    const seenByOp = recorder(opA);
    expect(await subackCode(service, `${root}/+/+/station/+/events`)).toBe(1);
    for (const f of [`${lineA}/status`, `${lineB}/status`, `${root}/_ack/tab-a`, `${root}/_ack/tab-b`]) await subackCode(opA, f);
    // Allowed: the operator's event reaches the service; the service's status and ack reach the operator.
    expect(await pubackCode(opA, `${lineA}/station/a1/events`, '{"events":[]}')).toBe(0);
    for (const t of [`${lineA}/status`, `${lineB}/status`, `${root}/_ack/tab-a`, `${root}/_ack/tab-b`]) expect(await pubackCode(service, t, '{}')).toBe(0);
    // Everything the service announces, shift reports too (Mosquitto refused those before).
    for (const t of [`${lineA}/report`, `${lineA}/andon/calls`, `${lineA}/station/a1/log`]) expect(await pubackCode(service, t, '{}')).toBe(0);
    // A member of a cluster's shared subscription on the ingest topics (issue 16).
    expect(await subackCode(service, `$share/plant/${root}/+/+/station/+/events`)).toBe(1);
    await sleep(300);
    expect(seenByService.topics).toEqual([`${lineA}/station/a1/events`]);
    expect(seenByOp.topics.sort()).toEqual([`${root}/_ack/tab-a`, `${lineA}/status`]);
  });

  it('refuses an operator publishing to line B, a status or an ack topic (PUBACK 135); nothing is delivered', async () => {
    const service = await as('_service', 'svc-2');
    expect(await subackCode(service, `${root}/+/+/station/+/events`)).toBe(1);
    expect(await subackCode(service, `${root}/+/+/status`)).toBe(1);
    const seen = recorder(service);
    const opA = await as('op-a', 'tab-a2');
    expect(await pubackCode(opA, `${lineB}/station/b1/events`, '{"events":[]}')).toBe(135);
    expect(await pubackCode(opA, `${lineA}/status`, '{}')).toBe(135);
    expect(await pubackCode(opA, `${root}/_ack/tab-a2`, '{}')).toBe(135);
    expect(await pubackCode(opA, `${lineA}/station/a1/signals`, '{}')).toBe(135);
    const mgr = await as('mgr', 'dash');
    expect(await pubackCode(mgr, `${lineA}/station/a1/events`, '{"events":[]}')).toBe(135);
    expect(await pubackCode(mgr, `${lineA}/status`, '{}')).toBe(135);
    const gw = await as('gw-a', 'gw');
    expect(await pubackCode(gw, `${lineA}/station/a1/events`, '{"events":[]}')).toBe(135);
    expect(await pubackCode(gw, `${lineA}/station/a1/signals`, '{"events":[]}')).toBe(0);
    await sleep(300);
    expect(seen.topics).toEqual([]);
  });
});
