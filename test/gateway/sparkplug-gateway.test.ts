import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import * as sparkplugPayload from 'sparkplug-payload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorsSchema } from '../../src/core/contracts/connectors.ts';
import type { Gateway } from '../../src/gateway/gateway.ts';
import { startHarness, type Harness } from '../server/support/service-harness.ts';
import { adminAndA1Status, plantWithConnector, TEST_MACHINE_MEANING, startTestGateway, type watchStatus } from './support/gateway-plant.ts';
import { startPlainBroker } from './support/plain-broker.ts';

const codec = sparkplugPayload.get('spBv1.0')!;
const HEARTBEAT_TIMEOUT_SEC = 2;
const NODE = 'spBv1.0/Plant1/%s/Press7';
const topic = (kind: string) => NODE.replace('%s', kind);

/** A Sparkplug B edge node as a PLC gateway runs it: BIRTH with aliases, DATA by alias, a DEATH as its will, rebirth on NCMD. */
class EdgeNode {
  seq = 0;
  bdSeq = 0;
  rebirths = 0;
  values = { state: 1, parts: 1000, rejects: 0, fault: 0 };
  private constructor(readonly client: MqttClient) {}

  static async start(url: string): Promise<EdgeNode> {
    const will = { topic: topic('NDEATH'), payload: Buffer.from(codec.encodePayload({ timestamp: Date.now(), metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] })), qos: 0 as const };
    const client = await mqtt.connectAsync(url, { clientId: 'press7-edge', will, reconnectPeriod: 0 });
    const node = new EdgeNode(client);
    await client.subscribeAsync(topic('NCMD'));
    client.on('message', (t, payload) => {
      const cmd = codec.decodePayload(new Uint8Array(payload));
      if (t === topic('NCMD') && cmd.metrics?.some((m) => m.name === 'Node Control/Rebirth' && m.value === true)) {
        node.rebirths++;
        void node.birth();
      }
    });
    return node;
  }

  birth(): Promise<unknown> {
    this.seq = 0;
    const v = this.values;
    return this.send('NBIRTH', [
      { name: 'bdSeq', type: 'UInt64', value: this.bdSeq },
      { name: 'Machine/State', alias: 1, type: 'Int32', value: v.state },
      { name: 'Parts', alias: 2, type: 'UInt32', value: v.parts },
      { name: 'Rejects', alias: 3, type: 'UInt32', value: v.rejects },
      { name: 'Machine/Fault', alias: 4, type: 'Int32', value: v.fault },
    ]);
  }

  /** NDATA naming metrics by alias only, as the specification recommends. */
  data(metrics: { alias: number; value: number }[], ts = Date.now(), seq = ++this.seq % 256): Promise<unknown> {
    this.seq = seq;
    // A BIRTH always carries the current values: keep them.
    const keys = { 1: 'state', 2: 'parts', 3: 'rejects', 4: 'fault' } as const;
    for (const m of metrics) this.values[keys[m.alias as 1 | 2 | 3 | 4]] = m.value;
    return this.send('NDATA', metrics.map((m) => ({ alias: m.alias, type: 'UInt32', value: m.value, timestamp: ts })), ts, seq);
  }

  send(kind: string, metrics: Record<string, unknown>[], ts = Date.now(), seq = this.seq): Promise<unknown> {
    const body = codec.encodePayload({ timestamp: ts, seq, metrics: metrics as never });
    return this.client.publishAsync(topic(kind), Buffer.from(body));
  }
}

/** Sparkplug B (issue 15), all parts real: Mosquitto as the unified namespace, an edge node, the service, `floorboard gateway`. */
describe('floorboard gateway: a Sparkplug B edge node into state, reasons and counts', () => {
  let dir: string;
  let broker: Awaited<ReturnType<typeof startPlainBroker>>;
  let edge: EdgeNode;
  let h: Harness;
  let gateway: Gateway;
  let admin: { authorization: string };
  let status: ReturnType<typeof watchStatus>;
  const logs: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fb-spb-'));
    broker = await startPlainBroker();
    edge = await EdgeNode.start(broker.url);
    await edge.birth();
    const plantFile = await plantWithConnector(
      dir,
      {
        protocol: 'sparkplug',
        broker: broker.url,
        groupId: 'Plant1',
        edgeNodeId: 'Press7',
        nodes: { state: 'Machine/State', counter: 'Parts', rejectCounter: 'Rejects', faultCode: 'Machine/Fault' },
        ...TEST_MACHINE_MEANING,
      },
      HEARTBEAT_TIMEOUT_SEC,
    );
    h = await startHarness({ plantFile });
    ({ admin, status } = await adminAndA1Status(h, 'spb'));
    gateway = await startTestGateway(h, plantFile, join(dir, 'gateway'), 'gw-spb', (m) => logs.push(m));
  });
  afterAll(async () => {
    await gateway?.close();
    await edge?.client.endAsync(true);
    await h?.close();
    await broker?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('asks an edge node born before it listened for a rebirth, learns the aliases, and shows the machine running', async () => {
    await status.where((s) => s.state === 'running' && s.lastSignalAt !== null, 15_000);
    expect(edge.rebirths).toBeGreaterThanOrEqual(1);
  });

  it('counts parts and rejects from DATA named by alias; the same DATA again counts nothing', async () => {
    const ts = Date.now();
    await edge.data([{ alias: 2, value: 1005 }, { alias: 3, value: 1 }], ts);
    expect(await status.where((s) => s.good === 4, 5000)).toMatchObject({ good: 4, reject: 1 });
    // Redelivered (same values, same source time): the same events, stored once.
    await edge.data([{ alias: 2, value: 1005 }, { alias: 3, value: 1 }], ts);
    await edge.data([{ alias: 2, value: 1008 }], ts + 1000);
    expect(await status.where((s) => s.good === 7, 5000)).toMatchObject({ good: 7, reject: 1 });
  });

  it('a fault with a mapped code is a machine stop with its reason', async () => {
    await edge.data([{ alias: 4, value: 42 }, { alias: 1, value: 3 }]);
    const stopped = await status.where((s) => s.state === 'stopped' && s.stop?.source === 'machine', 5000);
    expect(stopped.stop).toMatchObject({ source: 'machine', reasonId: 'jam' });
    await edge.data([{ alias: 1, value: 1 }]);
    await status.where((s) => s.state === 'running', 5000);
  });

  it('a sequence gap asks for a rebirth; a payload that is not Sparkplug is an error for health, not a crash', async () => {
    const before = edge.rebirths;
    await edge.data([{ alias: 2, value: 1008 }], Date.now(), (edge.seq + 5) % 256);
    await expect.poll(() => edge.rebirths, { timeout: 8000 }).toBeGreaterThan(before);
    await edge.client.publishAsync(topic('NDATA'), Buffer.from('{"not":"protobuf"'));
    await expect.poll(async () => connectorsSchema.parse(await (await h.http('/api/connectors', { headers: admin })).json()).connectors.find((c) => c.stationId === 'a1')?.errorCount ?? 0, { timeout: 5000 }).toBeGreaterThan(0);
    await edge.data([{ alias: 2, value: 1010 }]);
    expect(await status.where((s) => s.good === 9, 5000)).toMatchObject({ good: 9 });
  });

  it("the edge node's death (its will) is no data; born again, it runs and nothing is counted twice", async () => {
    edge.client.stream.destroy();
    await status.where((s) => s.state === 'no-data', (HEARTBEAT_TIMEOUT_SEC + 5) * 1000);
    edge = await EdgeNode.start(broker.url);
    edge.values = { state: 1, parts: 1010, rejects: 1, fault: 0 };
    edge.bdSeq = 1;
    await edge.birth();
    await status.where((s) => s.state === 'running', 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(status.latest.status).toMatchObject({ good: 9, reject: 1 });
  });
});
