import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { lineStatusSchema, oeeSnapshotSchema } from '../../../src/core/live.schema.ts';
import { countEvent, nextMessage, publish, SITE, startHarness, subscribe, topicA1, type Harness, fixtureLogin } from '../support/service-harness.ts';

const lineA = `floorboard/v1/${SITE}/assembly/line-a`;
const HOUR = 3_600_000;
// The service clock runs from 08:00 UTC of the last day (the fixture's early shift, outside its
// 10:00 lunch break), so "scheduled" does not depend on when the suite runs.
const shiftBack = (() => {
  const real = Date.now();
  const eight = Math.floor(real / (24 * HOUR)) * 24 * HOUR + 8 * HOUR;
  return real - (eight <= real ? eight : eight - 24 * HOUR);
})();
const now = () => Date.now() - shiftBack;

describe('live OEE on MQTT', () => {
  let h: Harness;
  let tablet: MqttClient;

  beforeAll(async () => {
    h = await startHarness({ oeeIntervalMs: 200 }, { now });
    const { token } = await h.login(fixtureLogin('op-a', 'tab-live'));
    tablet = await h.connect('op-a', token, 'tab-live');
  });
  afterAll(async () => h?.close());

  it('publishes a retained status on a state change and a snapshot with the counts', async () => {
    await subscribe(tablet, `${lineA}/status`);
    const start = countEvent({ deviceId: 'tab-live', type: 'stop.start', reasonId: 'jam', ts: now() - 1000 });
    start.stopId = start.id;
    delete start.productId;
    const count = countEvent({ deviceId: 'tab-live', good: 40, reject: 2, ts: now() - 2000 });
    const status = nextMessage(tablet, `${lineA}/status`, 5000, (v: { state: string }) => v.state === 'stopped');
    await publish(tablet, topicA1, JSON.stringify({ events: [count, start] }));
    const s = lineStatusSchema.parse(await status);
    expect(s).toMatchObject({ lineId: 'line-a', state: 'stopped', stopId: start.id, reasonId: 'jam', productId: 'widget', operatorId: 'op-a', shiftId: expect.any(String) });

    // A dashboard that subscribes later sees the present at once (retained), and the snapshot has the counts.
    const { token } = await h.login(fixtureLogin('mgr', 'dash-live'));
    const dash = await h.connect('mgr', token, 'dash-live');
    const retained = nextMessage(dash, `${lineA}/status`);
    const oee = nextMessage(dash, `${lineA}/oee`, 5000, (v: { good: number }) => v.good === 40);
    const site = nextMessage(dash, `floorboard/v1/${SITE}/oee`, 5000, (v: { good: number }) => v.good === 40);
    expect(await subscribe(dash, `${lineA}/+`)).toBe(128); // would include corrections, which a manager may not read
    await subscribe(dash, `floorboard/v1/${SITE}/+/+/status`);
    await subscribe(dash, `floorboard/v1/${SITE}/+/+/oee`);
    await subscribe(dash, `floorboard/v1/${SITE}/oee`);
    expect(lineStatusSchema.parse(await retained).state).toBe('stopped');
    const snap = oeeSnapshotSchema.parse(await oee);
    expect(snap).toMatchObject({ scope: 'line', id: 'line-a', good: 40, reject: 2, total: 42, isScheduled: true });
    expect(oeeSnapshotSchema.parse(await site)).toMatchObject({ scope: 'site', good: 40 });
  });
});
