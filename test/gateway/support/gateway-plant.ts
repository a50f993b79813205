import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { stationStatusSchema, type StationStatus } from '../../../src/core/live.schema.ts';
import { startGateway, type Gateway } from '../../../src/gateway/gateway.ts';
import { loadPlantFile } from '../../../src/server/plant-file.ts';
import { FIXTURE_PLANT, fixtureLogin, loginAll, nextMessage, subscribe, type Harness } from '../../server/support/service-harness.ts';

/**
 * The fixture plant with a connector on station a1 (gateway user gw-a's station), no breaks, line-a
 * watched since 2000 with the given heartbeat timeout: written to `dir`, its path returned.
 */
export async function plantWithConnector(dir: string, connector: Record<string, unknown>, heartbeatTimeoutSec: number): Promise<string> {
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { calendar: { shifts: { breaks?: unknown }[] }; areas: { lines: { id: string; stations: Record<string, unknown>[] }[] }[] };
  for (const s of plant.calendar.shifts) delete s.breaks;
  const lineA = plant.areas[0]!.lines[0]!;
  Object.assign(lineA, { heartbeatTimeoutSec, monitoredFrom: '2000-01-01T00:00:00Z' });
  lineA.stations[0]!.connector = connector;
  const plantFile = join(dir, 'plant.json');
  await writeFile(plantFile, JSON.stringify(plant));
  return plantFile;
}

/** `floorboard gateway` as user gw-a (password gw-pass) against the harness's service, with short backoffs and health reports. */
export async function startTestGateway(h: Harness, plantFile: string, dataDir: string, deviceId: string, log: (m: string) => void = () => {}): Promise<Gateway> {
  return startGateway({
    plant: await loadPlantFile(plantFile),
    serviceUrl: `http://127.0.0.1:${h.service.httpPort}`,
    userId: 'gw-a',
    password: 'gw-pass',
    deviceId,
    dataDir,
    env: {},
    log,
    backoff: { initialMs: 200, maxMs: 1000 },
    healthEverySec: 1,
  });
}

/** The latest retained status of a station as a subscribed client sees it, and a wait for one that passes a check. */
export function watchStatus(client: MqttClient, topic: string) {
  const latest: { status: StationStatus | null } = { status: null };
  client.on('message', (t, payload) => {
    if (t === topic) latest.status = stationStatusSchema.parse(JSON.parse(payload.toString('utf8')));
  });
  const where = (accept: (s: StationStatus) => boolean, timeoutMs: number): Promise<StationStatus> =>
    latest.status && accept(latest.status) ? Promise.resolve(latest.status) : nextMessage<StationStatus>(client, topic, timeoutMs, (v) => accept(stationStatusSchema.parse(v)));
  return { latest, where };
}

/** An admin's headers and a tablet of op-a following station a1's status (`tag` names the devices). */
export async function adminAndA1Status(h: Harness, tag: string): Promise<{ admin: { authorization: string }; tablet: MqttClient; status: ReturnType<typeof watchStatus> }> {
  const topic = 'floorboard/v1/test-site/assembly/line-a/station/a1/status';
  const signedIn = await loginAll(h, { op: fixtureLogin('op-a', `tab-${tag}`), admin: fixtureLogin('admin', `adm-${tag}`) });
  const tablet = await h.connect('op-a', signedIn.tokens.op, `tab-${tag}`);
  const status = watchStatus(tablet, topic);
  if ((await subscribe(tablet, topic)) !== 1) throw new Error(`${topic}: subscription refused`);
  return { admin: signedIn.auth.admin, tablet, status };
}

/** What the test machines' values mean: 1 running, 0 stopped, 3 fault; fault 42 is a jam; 32-bit counters; fast heartbeats. */
export const TEST_MACHINE_MEANING = {
  states: { running: [1], stopped: [0], fault: [3] },
  faultReasons: { '42': 'jam' },
  counterBits: 32,
  heartbeatSec: 0.5,
} as const;
