import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditSchema, oeeReportSchema, paretoSchema, stopsSchema, timelineSchema } from '../../../src/core/contracts/history.ts';
import { sendBatch, countEvent, loginAll, SITE, startHarness, subscribe, type Harness, fixtureLogin } from '../support/service-harness.ts';

const lineA = `floorboard/v1/${SITE}/assembly/line-a`;
const send = sendBatch;

describe('history API: access, stops with their reason event, audit trail', () => {
  let h: Harness;
  const auth: Record<string, { authorization: string }> = {};
  const get = (path: string, who: string) => h.http(path, { headers: auth[who] });
  const t0 = Date.now() - 3600_000;
  const q = `from=${t0}&to=${t0 + 3600_000}&line=line-a`;
  let jam: Record<string, unknown>;
  let fault: Record<string, unknown>;
  let small: Record<string, unknown>;
  let fix: Record<string, unknown>;

  beforeAll(async () => {
    h = await startHarness();
    const signedIn = await loginAll(h, {
      opA: fixtureLogin('op-a', 'tab-x'),
      opB: fixtureLogin('op-b', 'tab-xb'),
      lead: fixtureLogin('lead-a', 'lead-x'),
      gw: fixtureLogin('gw-a', 'gw-x'),
    });
    const tokens = signedIn.tokens;
    Object.assign(auth, signedIn.auth);
    // An operator's 10-minute jam, given its reason at the start.
    const op = await h.connect('op-a', tokens.opA, 'tab-x');
    await subscribe(op, `floorboard/v1/${SITE}/_ack/tab-x`);
    jam = countEvent({ deviceId: 'tab-x', type: 'stop.start', reasonId: 'jam', ts: t0 + 60_000, productId: undefined });
    jam.stopId = jam.id;
    const end = countEvent({ deviceId: 'tab-x', type: 'stop.end', stopId: jam.id, ts: t0 + 660_000, productId: undefined });
    // A 30-second stop nobody classified: a small stop, which must still be listed (flagged), not hidden.
    small = countEvent({ deviceId: 'tab-x', type: 'stop.start', ts: t0 + 2400_000, productId: undefined });
    small.stopId = small.id;
    const smallEnd = countEvent({ deviceId: 'tab-x', type: 'stop.end', stopId: small.id, ts: t0 + 2430_000, productId: undefined });
    expect(await send(op, 'tab-x', `${lineA}/station/a1/events`, [jam, end, small, smallEnd])).toMatchObject({ rejected: [] });
    // A machine fault of 5 minutes nobody classified.
    const gw = await h.connect('gw-a', tokens.gw, 'gw-x');
    await subscribe(gw, `floorboard/v1/${SITE}/_ack/gw-x`);
    const signal = (state: string, ts: number) => countEvent({ deviceId: 'gw-x', author: 'gw-a', type: 'machine.state', state, ts, productId: undefined, good: undefined, reject: undefined });
    fault = signal('fault', t0 + 1200_000);
    // Heartbeats while it is down: the gateway is heard, so the 5 minutes are seen, not "no data" (ADR 0009).
    const beats = Array.from({ length: 9 }, (_, k) => ({ ...signal('fault', t0 + 1230_000 + k * 30_000), type: 'machine.heartbeat', state: undefined }));
    expect(await send(gw, 'gw-x', `${lineA}/station/a1/signals`, [fault, ...beats, signal('running', t0 + 1500_000)])).toMatchObject({ rejected: [] });
    // The lead corrects the jam's reason with a real correction event on the line's corrections topic.
    const lead = await h.connect('lead-a', tokens.lead, 'lead-x');
    await subscribe(lead, `floorboard/v1/${SITE}/_ack/lead-x`);
    fix = countEvent({ deviceId: 'lead-x', author: 'lead-a', type: 'correction', supersedes: jam.id, reason: 'tool change, not a jam', replacement: { type: 'stop.start', stopId: jam.id, reasonId: 'setup' }, ts: t0 + 1800_000, productId: undefined, good: undefined, reject: undefined });
    expect(await send(lead, 'lead-x', `${lineA}/corrections`, [fix])).toMatchObject({ rejected: [] });
  });
  afterAll(async () => h?.close());

  it('refuses gateways on every history route, even for the line of their own station', async () => {
    for (const path of ['/api/oee', '/api/oee/hourly', '/api/stops', '/api/timeline', '/api/pareto', '/api/report.csv', '/api/audit']) {
      const res = await get(`${path}?${q}`, 'gw');
      expect(res.status, path).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe('forbidden');
    }
  });

  it('refuses gateways the plant model too, and keeps it for operators, leads and admins', async () => {
    const res = await get('/api/plant', 'gw');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/gateway/);
    for (const who of ['opA', 'lead'] as const) expect((await get('/api/plant', who)).status, who).toBe(200);
  });

  it('needs a token for anything under /api but login and time, including routes that do not exist', async () => {
    for (const path of ['/api/oee', '/api/stops', '/api/audit', '/api/anything-new'])
      expect((await h.http(`${path}?${q}`)).status, path).toBe(401);
    expect((await get('/api/anything-new', 'opA')).status).toBe(404);
    expect((await h.http('/api/time')).status).toBe(200);
  });

  it('lists each stop with the event that sets its reason and where it came from', async () => {
    const res = (await (await get(`/api/stops?${q}`, 'lead')).json()) as { lines: { stops: Record<string, unknown>[] }[] };
    const [first, second, third] = res.lines[0]!.stops;
    expect(first).toMatchObject({ id: jam.id, reasonId: 'setup', loss: 'setup', durationMs: 600_000, source: 'operator', stationId: 'a1', originEventId: jam.id });
    expect(first!.reasonEvent).toMatchObject({ id: jam.id, type: 'stop.start', payload: { type: 'stop.start', reasonId: 'setup' } });
    expect(second).toMatchObject({ id: fault.id, reasonId: null, loss: 'breakdown', durationMs: 300_000, noDataMs: 0, source: 'machine', reasonEvent: null });
    // The gateway fell silent after "running" at 25 min: the 30 s stop at 40 min lies in no data,
    // which counts as no stop time (ADR 0009), as in /api/oee.
    expect(third).toMatchObject({ id: small.id, durationMs: 0, noDataMs: 30_000 });
    const oee = (await (await get(`/api/oee?${q}`, 'lead')).json()) as { lines: { total: { stopMs: number; minorMs?: number } }[] };
    const counted = res.lines[0]!.stops.reduce((n, s) => n + (s.durationMs as number), 0);
    expect(oee.lines[0]!.total.stopMs + (oee.lines[0]!.total.minorMs ?? 0)).toBe(counted);
  });

  it('lists only stops awaiting a reason with needsReason=1, for operators of the line only', async () => {
    const res = (await (await get(`/api/stops?${q}&needsReason=1`, 'opA')).json()) as { lines: { stops: { id: string; isSmallStop: boolean }[] }[] };
    expect(res.lines[0]!.stops.map((s) => [s.id, s.isSmallStop])).toEqual([
      [fault.id, false],
      [small.id, true],
    ]);
    expect((await get(`/api/stops?${q}&needsReason=1`, 'opB')).status).toBe(403);
    const bad = await get(`/api/stops?${q}&needsReason=yes`, 'opA');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/needsReason: must be 0 or 1/);
  });

  it('shows the audit trail: who, when, what before and after, why; scoped', async () => {
    const res = await get(`/api/audit?${q}`, 'lead');
    expect(res.status).toBe(200);
    const { entries } = (await res.json()) as { entries: Record<string, unknown>[] };
    expect(entries).toEqual([
      expect.objectContaining({
        id: fix.id,
        kind: 'correction',
        author: 'lead-a',
        authorName: 'Lea Lead',
        target: jam.id,
        before: { type: 'stop.start', stopId: jam.id, reasonId: 'jam' },
        after: { type: 'stop.start', stopId: jam.id, reasonId: 'setup' },
        reason: 'tool change, not a jam',
        isVoided: false,
      }),
    ]);
    expect(Math.abs((entries[0]!.ts as number) - (t0 + 1800_000))).toBeLessThan(5000);
    expect((await get(`/api/audit?${q}`, 'opB')).status).toBe(403);
    expect((await get(`/api/audit?from=${t0}&to=${t0 + 3600_000}`, 'opB')).status).toBe(200);
  });
  it('answers in the shapes the dashboards parse: the core contracts (src/core/contracts/history.ts)', async () => {
    const contracts = { oee: oeeReportSchema, stops: stopsSchema, timeline: timelineSchema, pareto: paretoSchema, audit: auditSchema };
    for (const [path, schema] of Object.entries(contracts)) {
      const r = await get(`/api/${path}?${q}`, 'lead');
      expect(r.status, path).toBe(200);
      const parsed = schema.safeParse(await r.json());
      expect(parsed.success ? [] : parsed.error.issues.map((i) => `${path}: ${i.path.join('.')} ${i.message}`)).toEqual([]);
    }
    const stops = stopsSchema.parse(await (await get(`/api/stops?${q}`, 'lead')).json());
    expect(stops.lines[0]!.stops.map((s) => s.id)).toContain(jam.id);
  });
});
