import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { countEvent, loginAll, publish, SITE, startHarness, type Harness } from '../support/service-harness.ts';
import { andonPlant, startReceiver, until, WEBHOOK_SECRET, WEBHOOK_SECRET_ENV } from './andon-rig.ts';

const lineA = `floorboard/v1/${SITE}/assembly/line-a`;
const signal = (over: Record<string, unknown>) => JSON.stringify({ events: [countEvent({ deviceId: 'gw-rs', author: 'gw-a', productId: undefined, good: undefined, reject: undefined, ...over })] });
/** Level 2 is due this long after the raise: time enough to restart before it. */
const LEVEL_2_SEC = 6;

interface CallRow { id: string; level: number; levels: { level: number; at: number }[]; raisedAt: number; cause: string }
interface Delivery { id: string; channel: string; target: string; change: string; state: string; attempts: { at: number; status: number | null; error: string | null }[] }

function restartTests(name: string, database: () => Promise<Record<string, string>>) {
  describe(`andon across a real service restart (${name})`, () => {
    let h: Harness;
    let dir: string;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let auth: Record<'lead', { authorization: string }>;
    let callId = '';

    beforeAll(async () => {
      process.env[WEBHOOK_SECRET_ENV] = WEBHOOK_SECRET;
      receiver = await startReceiver();
      const plant = await andonPlant(
        [{ id: 'stop-long', lines: ['line-a'], trigger: { kind: 'stop', afterSec: 1 }, call: 'maintenance', escalation: [{ afterSec: 0, notify: ['maintenance'] }, { afterSec: LEVEL_2_SEC, notify: ['lead'] }] }],
        receiver.url,
      );
      dir = plant.dir;
      h = await startHarness({ plantFile: plant.file, ...(await database()) }, { andon: { delivery: { backoffMs: 100, maxBackoffMs: 300, maxAttempts: 100, timeoutMs: 1000 } } });
      ({ auth } = await loginAll(h, { lead: { kind: 'password', userId: 'lead-a', password: 'lead-pass', deviceId: 'board-rs' } }));
    }, 120_000);
    afterAll(async () => {
      await h?.close();
      await receiver?.close();
      await rm(dir, { recursive: true, force: true });
    });

    const calls = async () => ((await (await h.http('/api/andon/calls', { headers: auth.lead })).json()) as { calls: CallRow[] }).calls;
    const deliveries = async (callId: string) => ((await (await h.http(`/api/andon/deliveries?call=${callId}`, { headers: auth.lead })).json()) as { deliveries: Delivery[] }).deliveries;
    const raises = async () => (await h.service.storage.listEvents({ types: ['andon.raise'] })).events;

    it('keeps the delivery log, raises the open call once and escalates it on the stored time after a restart', async () => {
      const g = await h.login({ kind: 'password', userId: 'gw-a', password: 'gw-pass', deviceId: 'gw-rs' });
      const gw = await h.connect('gw-a', g.token, 'gw-rs');
      await publish(gw, `${lineA}/station/a1/signals`, signal({ type: 'machine.state', state: 'fault', ts: Date.now() }));
      const [call] = await until(calls, (cs) => cs.length === 1, 5000, 'the call');
      callId = call!.id;
      const before = await until(() => deliveries(call!.id), (ds) => ds.some((d) => d.channel === 'webhook' && d.state === 'delivered') && ds.some((d) => d.channel === 'mqtt'), 5000, 'webhook and MQTT delivered');
      expect(call!.level).toBe(1);

      await h.restart();

      // The log is read from storage: every try made before the restart is still there, as it was.
      const after = await deliveries(call!.id);
      expect(after.slice(0, before.length)).toEqual(before);
      expect(before.find((d) => d.channel === 'webhook')).toMatchObject({ target: 'test-hook', change: 'raised', state: 'delivered', attempts: [{ status: 200, error: null }] });
      // The same call, once: its cause is known from the stored events, so no second raise.
      const [again, ...more] = await calls();
      expect(more).toEqual([]);
      expect(again).toMatchObject({ id: call!.id, raisedAt: call!.raisedAt, cause: call!.cause });
      // Level 2 comes LEVEL_2_SEC after the stored raise, not after the restart.
      const [escalated] = await until(calls, (cs) => cs[0]?.level === 2, (LEVEL_2_SEC + 3) * 1000, 'level 2');
      const lateMs = escalated!.levels[1]!.at - (call!.raisedAt + LEVEL_2_SEC * 1000);
      expect(lateMs).toBeGreaterThanOrEqual(0);
      expect(lateMs).toBeLessThan(1500);
      // Ticks after the restart found the same stop: still one raise stored, one open call.
      await new Promise((r) => setTimeout(r, 1500));
      expect((await raises()).map((r) => r.event.id)).toEqual([call!.id]);
      expect((await calls()).map((c) => c.id)).toEqual([call!.id]);
      const escalation = await until(() => deliveries(call!.id), (ds) => ds.some((d) => d.change === 'escalated' && d.channel === 'webhook' && d.state === 'delivered'), 3000, 'escalation delivered');
      expect(escalation.filter((d) => d.change === 'raised' && d.channel === 'webhook')).toHaveLength(1);
      expect(receiver.received.filter((r) => r.body.change === 'raised')).toHaveLength(1);
    }, 30_000);

    it('goes on after a restart with a delivery the stop cut, its tries counted on in the same log entry', async () => {
      const resolvedHook = (ds: Delivery[]) => ds.find((d) => d.channel === 'webhook' && d.change === 'resolved');
      await receiver.close();
      const g = await h.login({ kind: 'password', userId: 'gw-a', password: 'gw-pass', deviceId: 'gw-rs' });
      const gw = await h.connect('gw-a', g.token, 'gw-rs');
      await publish(gw, `${lineA}/station/a1/signals`, signal({ type: 'machine.state', state: 'running', ts: Date.now() }));
      const before = resolvedHook(await until(() => deliveries(callId), (ds) => (resolvedHook(ds)?.attempts.length ?? 0) >= 2, 5000, 'refused tries'))!;
      expect(before.state).toBe('pending');

      await h.restart();
      await receiver.listen();

      const after = resolvedHook(await until(() => deliveries(callId), (ds) => resolvedHook(ds)?.state === 'delivered', 5000, 'delivered after the restart'))!;
      expect(after.id).toBe(before.id);
      expect(after.attempts.slice(0, before.attempts.length)).toEqual(before.attempts);
      expect(after.attempts.length).toBeGreaterThan(before.attempts.length);
      expect(after.attempts.slice(0, -1).every((a) => a.status === null && a.error !== null)).toBe(true);
      expect(after.attempts.at(-1)).toMatchObject({ status: 200, error: null });
      const got = receiver.received.filter((r) => r.body.change === 'resolved');
      expect(got).toHaveLength(1);
      expect(got[0]!.signatureProblem).toBeNull();
      expect(got[0]!.body.call.id).toBe(callId);
      // One delivery per channel for the resolve: the resumed one, not a second message.
      expect((await deliveries(callId)).filter((d) => d.change === 'resolved').map((d) => d.channel).sort()).toEqual(['mqtt', 'webhook']);
    }, 30_000);
  });
}

restartTests('SQLite', async () => ({}));

let pg: TestPostgres | null = null;
restartTests('PostgreSQL', async () => {
  pg = await startTestPostgres();
  return { databaseUrl: await pg.createDatabase() };
});
afterAll(async () => {
  await pg?.stop();
});
