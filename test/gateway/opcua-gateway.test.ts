import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationStatus } from '../../src/core/live.schema.ts';
import type { FloorEvent } from '../../src/core/index.ts';
import { startGateway, type Gateway } from '../../src/gateway/gateway.ts';
import { loadPlantFile } from '../../src/server/plant-file.ts';
import { fixtureLogin, SITE, startHarness, subscribe, type Harness } from '../server/support/service-harness.ts';
import { freePort, startMachine, type SimulatedMachine } from './support/opcua-machine.ts';
import { plantWithConnector, watchStatus } from './support/gateway-plant.ts';

const a1Status = `floorboard/v1/${SITE}/assembly/line-a/station/a1/status`;
const HEARTBEAT_TIMEOUT_SEC = 2;
const START_COUNTER = 65_530;

/**
 * The OPC UA slice of issue 15, all parts real: a press as a node-opcua server, the plant service
 * (embedded broker, SQLite) and `floorboard gateway` between them on loopback.
 */
describe('floorboard gateway: an OPC UA machine in, state and counts out (ADR 0013)', () => {
  let dir: string;
  let port: number;
  let machine: SimulatedMachine;
  let h: Harness;
  let gateway: Gateway;
  let tablet: MqttClient;
  const logs: string[] = [];
  let status: ReturnType<typeof watchStatus>;

  const machineEvents = async (type: string) =>
    (await h.service.storage.listEvents()).events.map((s) => s.event).filter((e): e is FloorEvent => e.type === type && e.deviceId === 'gw-press');
  const statusWhere = (accept: (s: StationStatus) => boolean, timeoutMs: number) => status.where(accept, timeoutMs);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fb-opcua-'));
    port = await freePort();
    machine = await startMachine(dir, port, { state: 1, counter: START_COUNTER });
    const plantFile = await plantWithConnector(
      dir,
      {
        protocol: 'opcua',
        endpoint: machine.endpoint,
        nodes: { state: 'ns=1;s=Press.State', counter: 'ns=1;s=Press.Parts' },
        states: { running: [1], stopped: [0], fault: [3] },
        counterBits: 16,
        heartbeatSec: 0.5,
      },
      HEARTBEAT_TIMEOUT_SEC,
    );
    h = await startHarness({ plantFile });
    tablet = await h.connect('op-a', (await h.login(fixtureLogin('op-a', 'tab-opc'))).token, 'tab-opc');
    status = watchStatus(tablet, a1Status);
    expect(await subscribe(tablet, a1Status)).toBe(1);
    gateway = await startGateway({
      plant: await loadPlantFile(plantFile),
      serviceUrl: `http://127.0.0.1:${h.service.httpPort}`,
      userId: 'gw-a',
      password: 'gw-pass',
      deviceId: 'gw-press',
      dataDir: join(dir, 'gateway'),
      env: {},
      log: (m) => logs.push(m),
      backoff: { initialMs: 200, maxMs: 1000 },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await machine?.stop().catch(() => {});
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows a stop on the machine as a machine stop awaiting a reason on the station within 2 s', async () => {
    await statusWhere((s) => s.state === 'running' && s.lastSignalAt !== null, 15_000);
    const changedAt = Date.now();
    machine.setState(0);
    const stopped = await statusWhere((s) => s.state === 'stopped' && s.stop?.source === 'machine', 2000);
    console.log(`machine stop on the station's status ${Date.now() - changedAt} ms after the change on the OPC UA server`);
    expect(stopped.stop).toMatchObject({ source: 'machine', reasonId: null });
    machine.setState(1);
    await statusWhere((s) => s.state === 'running', 2000);
    expect(await machineEvents('machine.state')).toHaveLength(3);
  });

  it('counts counter changes as parts: rises, a rollover at 16 bits, a reset, and a repeated value once', async () => {
    await expect.poll(async () => (await machineEvents('machine.counter')).map((e) => e.type === 'machine.counter' && e.total), { timeout: 5000 }).toEqual([0]);
    const steps: [raw: number, good: number][] = [
      [65_535, 5], // rises by 5
      [3, 9], // rolls over: 65535 -> 0 -> 3 is 4 parts
      [10, 16],
      [2, 18], // a reset: 2 parts since
    ];
    for (const [raw, good] of steps) {
      machine.setCounter(raw);
      expect((await statusWhere((s) => s.good === good, 5000)).good).toBe(good);
    }
    machine.setCounter(2);
    await new Promise((r) => setTimeout(r, 500));
    const counters = await machineEvents('machine.counter');
    expect(counters.map((e) => e.type === 'machine.counter' && e.total)).toEqual([0, 5, 9, 16, 18]);
    expect(status.latest.status?.good).toBe(18);
  });

  it('shows no data when the OPC UA server dies, and counts nothing twice when it comes back', async () => {
    await machine.stop();
    const killedAt = Date.now();
    await statusWhere((s) => s.state === 'no-data', (HEARTBEAT_TIMEOUT_SEC + 4) * 1000);
    console.log(`no data on the station's status ${Date.now() - killedAt} ms after the OPC UA server died (timeout ${HEARTBEAT_TIMEOUT_SEC} s)`);
    expect(gateway.machineConnected('a1')).toBe(false);
    // The machine restarts with the counter where it was; the gateway reconnects on its own.
    machine = await startMachine(dir, port, { state: 1, counter: 2 });
    await statusWhere((s) => s.state === 'running', 10_000);
    expect(gateway.machineConnected('a1')).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await machineEvents('machine.counter')).map((e) => e.type === 'machine.counter' && e.total)).toEqual([0, 5, 9, 16, 18]);
    expect(status.latest.status?.good).toBe(18);
    const ids = (await machineEvents('machine.heartbeat')).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    await expect.poll(() => gateway.queue.size, { timeout: 3000 }).toBe(0);
  });
});
