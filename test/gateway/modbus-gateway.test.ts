import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorsSchema } from '../../src/core/contracts/connectors.ts';
import type { StationStatus } from '../../src/core/live.schema.ts';
import type { Gateway } from '../../src/gateway/gateway.ts';
import { startHarness, type Harness } from '../server/support/service-harness.ts';
import { adminAndA1Status, plantWithConnector, TEST_MACHINE_MEANING, startTestGateway, type watchStatus } from './support/gateway-plant.ts';
import { startModbusMachine, type ModbusMachine } from './support/modbus-machine.ts';
import { freePort } from './support/opcua-machine.ts';

const HEARTBEAT_TIMEOUT_SEC = 2;
/** Holding registers of the simulated machine. */
const STATE = 0;
const FAULT = 1;
const PARTS = 2; // and 3: a 32-bit counter, high word first
const REJECTS = 4;

/**
 * Modbus TCP (issue 15), all parts real: a machine as a modbus-serial TCP server on loopback, the
 * service, and `floorboard gateway` polling it.
 */
describe('floorboard gateway: a Modbus TCP machine polled into state, reasons and counts', () => {
  let dir: string;
  let port: number;
  let machine: ModbusMachine;
  let h: Harness;
  let gateway: Gateway;
  let admin: { authorization: string };
  let status: ReturnType<typeof watchStatus>;

  const setParts = (m: ModbusMachine, n: number) => {
    m.registers.set(PARTS, Math.floor(n / 65_536));
    m.registers.set(PARTS + 1, n % 65_536);
  };
  const statusWhere = (accept: (s: StationStatus) => boolean, timeoutMs: number) => status.where(accept, timeoutMs);
  const health = async () => connectorsSchema.parse(await (await h.http('/api/connectors', { headers: admin })).json()).connectors.find((c) => c.stationId === 'a1');
  const metricConnected = async () => /^floorboard_connector_connected\{station="a1",[^}]*protocol="modbus"\} (\d)$/m.exec(await (await h.http('/metrics')).text())?.[1];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fb-modbus-'));
    port = await freePort();
    machine = await startModbusMachine(port, { [STATE]: 1, [FAULT]: 0, [REJECTS]: 10 });
    setParts(machine, 70_000);
    const point = (address: number, words: 1 | 2 = 1) => ({ table: 'holding', address, words });
    const plantFile = await plantWithConnector(
      dir,
      {
        protocol: 'modbus',
        host: '127.0.0.1',
        port,
        unitId: 1,
        pollMs: 100,
        timeoutMs: 500,
        nodes: { state: point(STATE), faultCode: point(FAULT), counter: point(PARTS, 2), rejectCounter: point(REJECTS) },
        ...TEST_MACHINE_MEANING,
      },
      HEARTBEAT_TIMEOUT_SEC,
    );
    h = await startHarness({ plantFile });
    ({ admin, status } = await adminAndA1Status(h, 'mb'));
    gateway = await startTestGateway(h, plantFile, join(dir, 'gateway'), 'gw-modbus');
  });
  afterAll(async () => {
    await gateway?.close();
    await machine?.stop().catch(() => {});
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows a fault as a machine stop classified by its fault code, and running again', async () => {
    await statusWhere((s) => s.state === 'running' && s.lastSignalAt !== null, 15_000);
    machine.registers.set(FAULT, 42);
    machine.registers.set(STATE, 3);
    const stopped = await statusWhere((s) => s.state === 'stopped' && s.stop?.source === 'machine', 5000);
    expect(stopped.stop).toMatchObject({ source: 'machine', reasonId: 'jam' });
    machine.registers.set(STATE, 1);
    await statusWhere((s) => s.state === 'running', 5000);
  });

  it('counts a 32-bit counter and its rejects from the first reading on', async () => {
    setParts(machine, 70_007);
    machine.registers.set(REJECTS, 12);
    const counted = await statusWhere((s) => s.good === 5, 5000);
    expect(counted).toMatchObject({ good: 5, reject: 2 });
  });

  it('says disconnected and shows no data when the server is gone, and counts nothing twice when it is back', async () => {
    await machine.stop();
    await statusWhere((s) => s.state === 'no-data', (HEARTBEAT_TIMEOUT_SEC + 4) * 1000);
    await expect.poll(metricConnected, { timeout: 5000 }).toBe('0');
    const down = await health();
    expect(down).toMatchObject({ protocol: 'modbus', connected: false });
    expect(down?.errorCount).toBeGreaterThan(0);

    machine = await startModbusMachine(port, { [STATE]: 1, [FAULT]: 0, [REJECTS]: 12 });
    setParts(machine, 70_007);
    await statusWhere((s) => s.state === 'running', 10_000);
    await expect.poll(metricConnected, { timeout: 5000 }).toBe('1');
    await new Promise((r) => setTimeout(r, 500));
    expect(status.latest.status).toMatchObject({ good: 5, reject: 2 });
    setParts(machine, 70_010);
    expect(await statusWhere((s) => s.good === 8, 5000)).toMatchObject({ good: 8, reject: 2 });
    await expect.poll(() => gateway.queue.size, { timeout: 3000 }).toBe(0);
  });
});
