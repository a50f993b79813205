import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloorEvent } from '../../src/core/index.ts';
import { FileQueue } from '../../src/gateway/file-queue.ts';
import { startGateway, type Gateway } from '../../src/gateway/gateway.ts';
import { loadPlantFile } from '../../src/server/plant-file.ts';
import { FIXTURE_PLANT, fixtureLogin, startHarness, type Harness } from '../server/support/service-harness.ts';
import { devicesSchema } from '../../src/core/contracts/devices.ts';
import { freePort, startMachine, type SimulatedMachine } from './support/opcua-machine.ts';

const event = (id: string) => ({ id, stationId: 'a1' }) as unknown as FloorEvent;

describe('the gateway queue file', () => {
  it('keeps events across a reopen until removed, and skips a line cut short by a crash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fb-queue-'));
    try {
      const q = await FileQueue.open(dir);
      await q.append([event('A'), event('B'), event('C')]);
      await q.remove(['B']);
      await appendFile(join(dir, 'queue.jsonl'), '{"id":"D","stat');
      const again = await FileQueue.open(dir);
      expect(again.peek(10).map((e) => e.id)).toEqual(['A', 'C']);
      // What comes after the cut line is kept: it starts a line of its own.
      await again.append([event('E')]);
      expect((await FileQueue.open(dir)).peek(10).map((e) => e.id)).toEqual(['A', 'C', 'E']);
      await again.remove(['A', 'C', 'E']);
      expect((await FileQueue.open(dir)).size).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes an ack as one line, not the backlog again, and rewrites the file only once acknowledged lines outnumber the waiting ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fb-queue-'));
    const lines = async () => (await readFile(join(dir, 'queue.jsonl'), 'utf8')).split('\n').filter(Boolean).length;
    try {
      const q = await FileQueue.open(dir);
      const ids = Array.from({ length: 25_000 }, (_, i) => `E${String(i).padStart(5, '0')}`);
      await q.append(ids.map(event));
      await q.remove(ids.slice(0, 1000));
      // 25,000 events and one ack line: the 24,000 waiting were not written again.
      expect(await lines()).toBe(25_001);
      expect((await FileQueue.open(dir)).peek(1)[0]!.id).toBe('E01000');
      for (let from = 1000; from < 24_990; from += 1000) await q.remove(ids.slice(from, Math.min(from + 1000, 24_990)));
      // At 20,000 acknowledged lines (then more than the 5,000 waiting) the file was rewritten with
      // the waiting ones; the acks after it are lines again.
      expect(q.size).toBe(10);
      expect(await lines()).toBe(5000 + 5);
      expect((await FileQueue.open(dir)).peek(20).map((e) => e.id)).toEqual(ids.slice(24_990));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** The service is unreachable while the machine works; a restarted gateway delivers everything once. */
describe('floorboard gateway while the service is unreachable (ADR 0013)', () => {
  let dir: string;
  let machine: SimulatedMachine;
  let h: Harness | undefined;
  let gateway: Gateway | undefined;
  let plantFile: string;
  let httpPort: number;
  const start = async () =>
    startGateway({
      plant: await loadPlantFile(plantFile),
      serviceUrl: `http://127.0.0.1:${httpPort}`,
      userId: 'gw-a',
      password: 'gw-pass',
      deviceId: 'gw-q',
      dataDir: join(dir, 'gateway'),
      env: {},
      log: () => {},
      backoff: { initialMs: 200, maxMs: 500 },
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fb-opcua-q-'));
    httpPort = await freePort();
    machine = await startMachine(dir, await freePort(), { state: 1, counter: 100 });
    const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { areas: { lines: { stations: Record<string, unknown>[] }[] }[] };
    plant.areas[0]!.lines[0]!.stations[0]!.connector = {
      protocol: 'opcua',
      endpoint: machine.endpoint,
      nodes: { state: 'ns=1;s=Press.State', counter: 'ns=1;s=Press.Parts' },
      states: { running: [1], stopped: [0] },
      heartbeatSec: 5,
    };
    plantFile = join(dir, 'plant.json');
    await writeFile(plantFile, JSON.stringify(plant));
  });
  afterAll(async () => {
    await gateway?.close();
    await machine?.stop().catch(() => {});
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('queues on disk, survives its own restart, and sends each event once when the service is back', async () => {
    gateway = await start();
    await expect.poll(() => gateway!.machineConnected('a1'), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => gateway!.queue.size, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    machine.setCounter(107);
    await expect.poll(() => gateway!.queue.peek(100).filter((e) => e.type === 'machine.counter').length, { timeout: 5000 }).toBe(2);
    machine.setState(0);
    await expect.poll(() => gateway!.queue.peek(100).filter((e) => e.type === 'machine.state').length, { timeout: 5000 }).toBe(2);
    await gateway.close();
    const queued = (await readFile(join(dir, 'gateway', 'queue.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as FloorEvent);
    expect(queued.length).toBeGreaterThanOrEqual(5);

    h = await startHarness({ port: httpPort });
    gateway = await start();
    await expect.poll(() => gateway!.queue.size, { timeout: 10_000 }).toBe(0);
    // It reports its version and its emptied queue for the admins' device list.
    const admin = { authorization: `Bearer ${(await h.login(fixtureLogin('admin', 'adm-gwq'))).token}` };
    const version = (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    const listed = async () => devicesSchema.parse(await (await h!.http('/api/devices', { headers: admin })).json()).devices.find((d) => d.deviceId === 'gw-q');
    await expect.poll(listed, { timeout: 10_000 }).toMatchObject({ kind: 'gateway', appVersion: version, waiting: 0, stationIds: ['a1'] });
    const stored = (await h.service.storage.listEvents()).events.map((s) => s.event).filter((e) => e.deviceId === 'gw-q');
    expect(stored.filter((e) => e.type === 'machine.counter').map((e) => e.type === 'machine.counter' && e.total)).toEqual([0, 7]);
    expect(stored.filter((e) => e.type === 'machine.state').map((e) => e.type === 'machine.state' && e.state)).toEqual(['running', 'stopped']);
    for (const e of queued) expect(stored.some((s) => s.id === e.id)).toBe(true);
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
    expect((await readFile(join(dir, 'gateway', 'queue.jsonl'), 'utf8')).trim()).toBe('');
  });
});
