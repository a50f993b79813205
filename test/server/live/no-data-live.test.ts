import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { oeeSnapshotSchema, type OeeSnapshot } from '../../../src/core/live.schema.ts';
import { countEvent, FIXTURE_PLANT, nextMessage, publish, SITE, startHarness, subscribe, type Harness, fixtureLogin } from '../support/service-harness.ts';

const lineA = `floorboard/v1/${SITE}/assembly/line-a`;
const TIMEOUT_SEC = 2;

/**
 * A silent gateway shows as no data in the live OEE within the heartbeat timeout plus 5 s (issue 10
 * budget): the time from the last heartbeat to the first snapshot that books the silence.
 */
describe('live OEE: a silent gateway is no data (ADR 0009)', () => {
  let h: Harness;
  let dir: string;
  let gw: MqttClient;
  let dash: MqttClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fb-nodata-live-'));
    const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { calendar: { shifts: { breaks?: unknown }[] }; areas: { lines: Record<string, unknown>[] }[] };
    // Around the clock without breaks, so the silence always falls in planned time; line-a watched all along.
    for (const s of plant.calendar.shifts) delete s.breaks;
    for (const a of plant.areas) for (const l of a.lines) if (l.id === 'line-a') Object.assign(l, { heartbeatTimeoutSec: TIMEOUT_SEC, monitoredFrom: '2000-01-01T00:00:00Z' });
    await writeFile(join(dir, 'plant.json'), JSON.stringify(plant));
    // The default 5 s interval: the snapshot is due when the silence passes the timeout, not at the next tick.
    h = await startHarness({ plantFile: join(dir, 'plant.json') });
    const { token } = await h.login(fixtureLogin('gw-a', 'gw-nd'));
    gw = await h.connect('gw-a', token, 'gw-nd');
    const mgr = await h.login(fixtureLogin('mgr', 'dash-nd'));
    dash = await h.connect('mgr', mgr.token, 'dash-nd');
    await subscribe(dash, `${lineA}/oee`);
  });
  afterAll(async () => {
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('books the silence from the last heartbeat, published as soon as it passes the timeout', async () => {
    let last = 0;
    for (let i = 0; i < 4; i++) {
      last = Date.now();
      await publish(gw, `${lineA}/station/a1/signals`, JSON.stringify({ events: [countEvent({ type: 'machine.heartbeat', deviceId: 'gw-nd', author: 'gw-a', ts: last, productId: undefined, good: undefined, reject: undefined })] }));
      await new Promise((r) => setTimeout(r, 400));
    }
        const silent = oeeSnapshotSchema.parse(await nextMessage<OeeSnapshot>(dash, `${lineA}/oee`, (TIMEOUT_SEC + 5) * 1000, (s) => s.noDataMs > 0));
    const detectedAfterMs = silent.at - last;
    console.log(`no data detected ${detectedAfterMs} ms after the last heartbeat (timeout ${TIMEOUT_SEC * 1000} ms)`);
    expect(detectedAfterMs).toBeLessThan((TIMEOUT_SEC + 1) * 1000);
    // Dated from the last signal heard: the whole silence so far, not only the part past the timeout.
    expect(silent.noDataMs).toBeGreaterThan(TIMEOUT_SEC * 1000);
    expect(silent.noDataMs).toBeLessThanOrEqual(silent.at - last + 1);
    expect(silent.coverage).toBeLessThan(1);
  });
});
