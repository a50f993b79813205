import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopsSchema, type StopsWire } from '../../../src/core/contracts/history.ts';
import { sendBatch, countEvent, fixtureLogin, loginAll, SITE, startHarness, subscribe, type Harness } from '../support/service-harness.ts';
import { plantWithConnector } from '../../gateway/support/gateway-plant.ts';

const lineA = `floorboard/v1/${SITE}/assembly/line-a`;
const send = sendBatch;

/** Issue 15: a machine stop whose fault code the station connector maps is classified by the service, for every reader. */
describe('fault codes pre-classify machine stops in the service', () => {
  let dir: string;
  let h: Harness;
  let gw: MqttClient;
  let lead: MqttClient;
  let auth: Record<'lead' | 'opA', { authorization: string }>;
  const t0 = Date.now() - 3600_000;
  const q = `from=${t0}&to=${t0 + 3600_000}&line=line-a`;
  const signal = (over: Record<string, unknown>) => countEvent({ deviceId: 'gw-f', author: 'gw-a', type: 'machine.state', productId: undefined, good: undefined, reject: undefined, ...over });
  const stops = async (who: 'lead' | 'opA' = 'lead'): Promise<StopsWire['lines'][number]['stops']> => {
    const res = await h.http(`/api/stops?${q}`, { headers: auth[who] });
    expect(res.status).toBe(200);
    return stopsSchema.parse(await res.json()).lines[0]!.stops;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fb-fault-'));
    const connector = {
      protocol: 'opcua',
      endpoint: 'opc.tcp://127.0.0.1:4840/UA/Press',
      nodes: { state: 'ns=1;s=Press.State', counter: 'ns=1;s=Press.Parts', faultCode: 'ns=1;s=Press.Alarm' },
      states: { running: [1], stopped: [0], fault: [3] },
      faultReasons: { E42: 'jam', E7: 'setup' },
    };
    h = await startHarness({ plantFile: await plantWithConnector(dir, connector, 60) });
    const signedIn = await loginAll(h, { gw: fixtureLogin('gw-a', 'gw-f'), lead: fixtureLogin('lead-a', 'lead-f'), opA: fixtureLogin('op-a', 'tab-f') });
    auth = signedIn.auth;
    gw = await h.connect('gw-a', signedIn.tokens.gw, 'gw-f');
    await subscribe(gw, `floorboard/v1/${SITE}/_ack/gw-f`);
    lead = await h.connect('lead-a', signedIn.tokens.lead, 'lead-f');
    await subscribe(lead, `floorboard/v1/${SITE}/_ack/lead-f`);
  });
  afterAll(async () => {
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives a fault with a mapped code its reason, leaves an unmapped one awaiting a reason, and stores a redelivery once', async () => {
    const mapped = signal({ state: 'fault', code: 'E42', ts: t0 + 60_000 });
    const events = [mapped, signal({ state: 'running', ts: t0 + 360_000 }), signal({ state: 'fault', code: 'E99', ts: t0 + 600_000 }), signal({ state: 'running', ts: t0 + 900_000 })];
    expect(await send(gw, 'gw-f', `${lineA}/station/a1/signals`, events)).toMatchObject({ rejected: [] });
    // The same batch again (a gateway replaying its queue after a reconnect).
    expect(await send(gw, 'gw-f', `${lineA}/station/a1/signals`, events)).toMatchObject({ rejected: [] });

    const [known, unknown] = await stops();
    expect(known).toMatchObject({ id: mapped.id, source: 'machine', reasonId: 'jam', loss: 'breakdown', reasonEvent: { type: 'stop.classify', author: 'floorboard', payload: { reasonId: 'jam' } } });
    expect(unknown).toMatchObject({ source: 'machine', reasonId: null });
    // The operator's view is the same stop list: one truth.
    expect((await stops('opA')).map((s) => s.reasonId)).toEqual(['jam', null]);
    const classifies = (await h.service.storage.listEvents({ types: ['stop.classify'] })).events;
    expect(classifies).toHaveLength(1);
  });

  it('lets the lead change the reason the fault code gave', async () => {
    const [known] = await stops();
    const fix = countEvent({ deviceId: 'lead-f', author: 'lead-a', type: 'stop.classify', stopId: known!.id, reasonId: 'setup', ts: t0 + 1_000_000, productId: undefined, good: undefined, reject: undefined });
    expect(await send(lead, 'lead-f', `${lineA}/station/a1/events`, [fix])).toMatchObject({ rejected: [] });
    expect((await stops())[0]).toMatchObject({ reasonId: 'setup', loss: 'setup', reasonEvent: { author: 'lead-a' } });
  });
});
