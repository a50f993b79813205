import { rm } from 'node:fs/promises';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSchema } from '../../../src/core/events.schema.ts';
import { countEvent, loginAll, publish, SITE, startHarness, type Harness } from '../support/service-harness.ts';
import { andonPlant, startReceiver, until, WEBHOOK_SECRET, WEBHOOK_SECRET_ENV } from './andon-rig.ts';

const lineA = `floorboard/v1/${SITE}/assembly/line-a`;
const signal = (over: Record<string, unknown>) => JSON.stringify({ events: [countEvent({ deviceId: 'gw-ms', author: 'gw-a', productId: undefined, good: undefined, reject: undefined, ...over })] });

interface CallRow { id: string; ack: unknown }

/**
 * A change committed that nobody announced: the service died between the commit and the first
 * try, or (in a cluster) another instance committed it while no leader ran. The next start sends it.
 */
describe('andon: a committed change nobody announced is announced at the next start', () => {
  let h: Harness;
  let dir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let auth: Record<'lead', { authorization: string }>;

  beforeAll(async () => {
    process.env[WEBHOOK_SECRET_ENV] = WEBHOOK_SECRET;
    receiver = await startReceiver();
    const plant = await andonPlant([{ id: 'stop-long', lines: ['line-a'], trigger: { kind: 'stop', afterSec: 1 }, call: 'maintenance', escalation: [{ afterSec: 0, notify: ['maintenance'] }] }], receiver.url);
    dir = plant.dir;
    h = await startHarness({ plantFile: plant.file }, { andon: { delivery: { backoffMs: 100, maxBackoffMs: 300, maxAttempts: 100, timeoutMs: 1000 } } });
    ({ auth } = await loginAll(h, { lead: { kind: 'password', userId: 'lead-a', password: 'lead-pass', deviceId: 'board-ms' } }));
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const calls = async () => ((await (await h.http('/api/andon/calls', { headers: auth.lead })).json()) as { calls: CallRow[] }).calls;

  it('sends the acknowledgement stored behind its back once, and the raise it already sent not again', async () => {
    const g = await h.login({ kind: 'password', userId: 'gw-a', password: 'gw-pass', deviceId: 'gw-ms' });
    const gw = await h.connect('gw-a', g.token, 'gw-ms');
    await publish(gw, `${lineA}/station/a1/signals`, signal({ type: 'machine.state', state: 'fault', ts: Date.now() }));
    const [call] = await until(calls, (cs) => cs.length === 1, 5000, 'the call');
    await until(() => receiver.received.filter((r) => r.body.change === 'raised'), (r) => r.length === 1, 5000, 'the raise delivered');

    // Committed, but never through this service's commit path: nothing announces it now.
    const ts = Date.now();
    const ack = eventSchema.parse({ v: 1, id: ulid(), deviceId: 'tab-ms', seq: 1, ts, author: 'lead-a', lineId: 'line-a', stationId: 'a1', type: 'andon.ack', callId: call!.id, from: 'tablet' });
    await h.service.storage.insertEvents([{ event: ack, receivedAt: ts, clockOffsetMs: 0, correctedTs: ts, topic: `${lineA}/station/a1/events` }]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received.filter((r) => r.body.change === 'acknowledged')).toHaveLength(0);

    await h.restart();

    await until(() => receiver.received.filter((r) => r.body.change === 'acknowledged'), (r) => r.length === 1, 5000, 'the acknowledgement delivered after the restart');
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.received.filter((r) => r.body.change === 'acknowledged')).toHaveLength(1);
    expect(receiver.received.filter((r) => r.body.change === 'raised')).toHaveLength(1);
    expect(receiver.received.find((r) => r.body.change === 'acknowledged')!.signatureProblem).toBeNull();
  }, 30_000);
});
