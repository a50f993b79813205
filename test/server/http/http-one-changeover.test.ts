import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendBatch, countEvent, loginAll, SITE, startHarness, subscribe, type Harness, fixtureLogin } from '../support/service-harness.ts';

const lineA = `floorboard/v1/${SITE}/assembly/line-a`;

describe('history API: one changeover, however many signals say so', () => {
  let h: Harness;
  const auth: Record<string, { authorization: string }> = {};
  const get = (path: string, who: string) => h.http(path, { headers: auth[who] });
  const t0 = Date.now() - 3600_000;
  const q = `from=${t0}&to=${t0 + 3600_000}&line=line-a`;
  let changeover: Record<string, unknown>;
  let setup: Record<string, unknown>;

  beforeAll(async () => {
    h = await startHarness();
    const signedIn = await loginAll(h, { opA: fixtureLogin('op-a', 'tab-co'), gw: fixtureLogin('gw-a', 'gw-co') });
    Object.assign(auth, signedIn.auth);
    auth['lead'] = (await loginAll(h, { lead: fixtureLogin('lead-a', 'lead-co') })).auth['lead']!;
    const op = await h.connect('op-a', signedIn.tokens.opA, 'tab-co');
    await subscribe(op, `floorboard/v1/${SITE}/_ack/tab-co`);
    const gw = await h.connect('gw-a', signedIn.tokens.gw, 'gw-co');
    await subscribe(gw, `floorboard/v1/${SITE}/_ack/gw-co`);
    // The operator starts a changeover; at the same instant the machine switches to setup, and the
    // operator also books that setup to the setup reason; the machine runs again 19 minutes later.
    changeover = countEvent({ deviceId: 'tab-co', type: 'changeover.start', toProductId: 'gadget', ts: t0 + 600_000, productId: undefined, good: undefined, reject: undefined });
    const done = countEvent({ deviceId: 'tab-co', type: 'changeover.end', productId: 'gadget', ts: t0 + 1800_000, good: undefined, reject: undefined });
    const gwEvent = (over: Record<string, unknown>) => countEvent({ deviceId: 'gw-co', author: 'gw-a', productId: undefined, good: undefined, reject: undefined, ...over });
    setup = gwEvent({ type: 'machine.state', state: 'setup', ts: t0 + 600_000 });
    const classify = countEvent({ deviceId: 'tab-co', type: 'stop.classify', stopId: setup.id, reasonId: 'setup', ts: t0 + 601_000, productId: undefined, good: undefined, reject: undefined });
    const beats = Array.from({ length: 45 }, (_, k) => gwEvent({ type: 'machine.heartbeat', ts: t0 + 630_000 + k * 30_000 }));
    expect(await sendBatch(op, 'tab-co', `${lineA}/station/a1/events`, [changeover, done])).toMatchObject({ rejected: [] });
    expect(await sendBatch(gw, 'gw-co', `${lineA}/station/a1/signals`, [setup, ...beats, gwEvent({ type: 'machine.state', state: 'running', ts: t0 + 1740_000 })])).toMatchObject({ rejected: [] });
    expect(await sendBatch(op, 'tab-co', `${lineA}/station/a1/events`, [classify])).toMatchObject({ rejected: [] });
  });
  afterAll(async () => h?.close());

  it('lists the changeover once in the stop list and in the audit trail', async () => {
    const stops = (await (await get(`/api/stops?${q}`, 'lead')).json()) as { lines: { stops: { id: string; durationMs: number }[] }[] };
    expect(stops.lines[0]!.stops.map((s) => [s.id, s.durationMs])).toEqual([[changeover.id, 20 * 60_000]]);
    const audit = (await (await get(`/api/audit?${q}`, 'lead')).json()) as { entries: { stopId?: string; target: string }[] };
    expect(audit.entries.filter((e) => e.target === setup.id)).toEqual([]);
  });
});
