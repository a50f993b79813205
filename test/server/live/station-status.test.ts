import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineStatusSchema, oeeSnapshotSchema, stationStatusSchema, type StationStatus } from '../../../src/core/live.schema.ts';
import { countEvent, FIXTURE_PLANT, nextMessage, publish, SITE, startHarness, subscribe, type Harness, fixtureLogin } from '../support/service-harness.ts';

const lineA = `floorboard/v1/${SITE}/assembly/line-a`;
const a1Status = `${lineA}/station/a1/status`;
const HEARTBEAT_TIMEOUT_SEC = 1;

/** The fixture plant with line-a's heartbeat timeout cut to 1 s, so a test can wait it out. */
async function plantWithShortTimeout(dir: string): Promise<string> {
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { areas: { lines: Record<string, unknown>[] }[] };
  plant.areas[0]!.lines[0]!.heartbeatTimeoutSec = HEARTBEAT_TIMEOUT_SEC;
  const file = join(dir, 'plant.json');
  await writeFile(file, JSON.stringify(plant));
  return file;
}

const signal = (type: string, extra: Record<string, unknown> = {}) =>
  countEvent({ deviceId: 'gw-s', author: 'gw-a', type, productId: undefined, good: undefined, reject: undefined, ...extra });

describe('retained station status (the one fold, published by the service)', () => {
  let h: Harness;
  let dir: string;
  let tabA: MqttClient;
  let tabB: MqttClient;
  let gw: MqttClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fb-station-'));
    // A snapshot interval far longer than the test: statuses must be re-read on their own 1 s timer.
    h = await startHarness({ oeeIntervalMs: 60_000, plantFile: await plantWithShortTimeout(dir) });
    const token = async (body: Record<string, unknown>) => (await h.login(body)).token;
    tabA = await h.connect('op-a', await token(fixtureLogin('op-a', 'tab-sa')), 'tab-sa');
    tabB = await h.connect('op-a', await token(fixtureLogin('op-a', 'tab-sb')), 'tab-sb');
    gw = await h.connect('gw-a', await token(fixtureLogin('gw-a', 'gw-s')), 'gw-s');
  });
  afterAll(async () => {
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows two tablets at one station the same machine stop and counts, equal to the line and the OEE snapshot', async () => {
    expect(await subscribe(tabA, a1Status)).toBe(1);
    expect(await subscribe(tabB, a1Status)).toBe(1);
    const now = Date.now();
    const fault = signal('machine.state', { state: 'fault', ts: now - 500 });
    const isStopped = (v: StationStatus) => v.state === 'stopped' && v.good === 9;
    const onA = nextMessage(tabA, a1Status, 5000, isStopped);
    const onB = nextMessage(tabB, a1Status, 5000, isStopped);
    await publish(gw, `${lineA}/station/a1/signals`, JSON.stringify({ events: [signal('machine.counter', { total: 100, ts: now - 3000 }), signal('machine.counter', { total: 105, ts: now - 2000 }), fault] }));
    await publish(tabA, `${lineA}/station/a1/events`, JSON.stringify({ events: [countEvent({ deviceId: 'tab-sa', good: 4, reject: 1, ts: now - 1000 })] }));
    const [a, b] = (await Promise.all([onA, onB])).map((v) => stationStatusSchema.parse(v)) as [StationStatus, StationStatus];
    expect(a).toMatchObject({ stationId: 'a1', state: 'stopped', stop: { stopId: fault.id, source: 'machine', reasonId: null }, good: 9, reject: 1 });
    expect(b).toEqual(a);
    // The lead's view and the board read the line status and the OEE snapshot: the same counts.
    const lead = await h.connect('lead-a', (await h.login(fixtureLogin('lead-a', 'lead-s'))).token, 'lead-s');
    const line = nextMessage(lead, `${lineA}/status`);
    const oee = nextMessage(lead, `${lineA}/oee`, 5000, (v: { good: number }) => v.good === 9);
    await subscribe(lead, `${lineA}/status`);
    await subscribe(lead, `${lineA}/oee`);
    expect(lineStatusSchema.parse(await line)).toMatchObject({ state: 'stopped', good: 9, reject: 1, target: a.target });
    expect(oeeSnapshotSchema.parse(await oee)).toMatchObject({ good: 9, reject: 1 });
  });

  it('turns the machine station to "no data" within the heartbeat timeout plus 5 s of gateway silence', async () => {
    const at = Date.now();
    const beat = signal('machine.heartbeat', { ts: at });
    const silent = nextMessage<StationStatus>(tabA, a1Status, (HEARTBEAT_TIMEOUT_SEC + 5) * 1000, (v) => v.state === 'no-data' && v.lastSignalAt === at);
    await publish(gw, `${lineA}/station/a1/signals`, JSON.stringify({ events: [beat] }));
    const noData = stationStatusSchema.parse(await silent);
    expect(noData.since).toBe(at);
    // The budget is timeout + 5 s; the service re-reads statuses every second.
    expect(noData.updatedAt - at).toBeLessThan((HEARTBEAT_TIMEOUT_SEC + 2) * 1000);
  });

  it('refuses a station status to an operator of another station', async () => {
    const opB = await h.connect('op-b', (await h.login(fixtureLogin('op-b', 'tab-sc'))).token, 'tab-sc');
    expect(await subscribe(opB, a1Status)).toBe(128);
  });
});
