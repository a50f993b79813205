import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvent, publish, SITE, startHarness, subscribe, nextMessage, topicA1, type Harness, fixtureLogin } from '../support/service-harness.ts';
import { loginResultSchema, serviceTimeSchema } from '../../../src/core/contracts/auth.ts';
import { rosterResponseSchema } from '../../../src/core/contracts/roster.ts';

/**
 * The start of an hour of history that ended before `now` and lies in one shift of the fixture
 * plant (UTC shifts at 06:00, 14:00, 22:00; lunch 10:00-10:30), so its stop and timeline do not
 * depend on the time of day the suite runs.
 */
function quietHourBefore(now: number): number {
  const overlaps = (a: number, b: number, from: number, to: number) => a < to && b > from;
  for (let t = now - 3600_000; ; t -= 900_000) {
    const d = new Date(t);
    const min = d.getUTCHours() * 60 + d.getUTCMinutes();
    const isQuiet = ![[600, 630]].some(([from, to]) => overlaps(min, min + 60, from!, to!)) && ![360, 840, 1320].some((b) => min < b && min + 60 > b);
    if (isQuiet) return t;
  }
}

describe('HTTP API', () => {
  let h: Harness;
  const auth: Record<string, { authorization: string }> = {};
  const get = (path: string, who: string) => h.http(path, { headers: auth[who] });
  const t0 = quietHourBefore(Date.now());

  beforeAll(async () => {
    h = await startHarness({}, { bucketFlushMs: 100 });
    const dist = join(h.dataDir, 'no-dist');
    await mkdir(dist, { recursive: true });
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Floorboard</title>');
    for (const [who, body] of Object.entries({
      opA: fixtureLogin('op-a', 'tab-h'),
      opB: fixtureLogin('op-b', 'tab-hb'),
      lead: fixtureLogin('lead-a', 'lead-h'),
      mgrPack: fixtureLogin('mgr-pack', 'dash-h'),
      admin: fixtureLogin('admin', 'admin-h'),
    })) {
      const res = loginResultSchema.parse(await h.login(body));
      auth[who] = { authorization: `Bearer ${res.token}` };
    }
    // Some history on line A: a 10-minute jam and counts.
    const { token } = await h.login(fixtureLogin('op-a', 'tab-h'));
    const c = await h.connect('op-a', token, 'tab-h');
    await subscribe(c, `floorboard/v1/${SITE}/_ack/tab-h`);
    const start = countEvent({ deviceId: 'tab-h', type: 'stop.start', reasonId: 'jam', ts: t0 + 60_000 });
    start.stopId = start.id;
    delete start.productId;
    const end = countEvent({ deviceId: 'tab-h', type: 'stop.end', stopId: start.id, ts: t0 + 660_000, productId: undefined });
    const ack = nextMessage(c, `floorboard/v1/${SITE}/_ack/tab-h`);
    await publish(c, topicA1, JSON.stringify({ events: [countEvent({ deviceId: 'tab-h', ts: t0 + 30_000, good: 100, reject: 4 }), start, end] }));
    expect(await ack).toMatchObject({ rejected: [] });
  });
  afterAll(async () => h?.close());

  it('answers /api/time and serves the PWA with a strict CSP', async () => {
    const time = serviceTimeSchema.parse(await (await h.http('/api/time')).json());
    expect(Math.abs(time.now - Date.now())).toBeLessThan(2000);
    const page = await h.http('/some/client/route');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Floorboard');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/);
    // Everything under /api but login and time needs a token first, unknown routes too.
    expect((await h.http('/api/nothing')).status).toBe(401);
    expect((await get('/api/nothing', 'admin')).status).toBe(404);
    const huge = await h.http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'badge', badge: 'x'.repeat(100_000) }) });
    expect(huge.status).toBe(413);
  });

  it('gives the plant without secrets, scoped to the caller', async () => {
    const res = await get('/api/plant', 'mgrPack');
    const text = await res.text();
    expect(text).not.toMatch(/scrypt|pinHash|passwordHash/);
    const plant = JSON.parse(text) as { areas: { id: string }[] };
    expect(plant.areas.map((a) => a.id)).toEqual(['packing']);
    expect((await h.http('/api/plant')).status).toBe(401);
  });

  it("refuses an operator's sign-in at a station they may not work at, naming the station, after the PIN", async () => {
    // One tablet per operator: a device is claimed by its first user (device claims, ADR 0004).
    const signIn = (badge: string, pin: string, stationId: string) =>
      h.http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'badge', badge, pin, deviceId: `tab-st-${badge}`, stationId }) });
    const refused = await signIn('1002', '2345', 'a1');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'forbidden', message: expect.stringContaining('station "a1"') } });
    // A wrong PIN says nothing about stations.
    expect((await signIn('1002', '0000', 'a1')).status).toBe(401);
    expect((await signIn('1002', '2345', 'b1')).status).toBe(200);
    expect((await signIn('1001', '1234', 'a2')).status).toBe(200);
  });

  it('gives the roster to the lead and the station operators, not to others', async () => {
    const res = await get('/api/roster?stations=a1,a2', 'lead');
    expect(res.status).toBe(200);
    const { operators } = rosterResponseSchema.parse(await res.json());
    expect(operators.map((o) => o.id)).toEqual(['op-a']);
    expect(operators[0]!.pinHash).toMatch(/^scrypt\$/);
    expect((await get('/api/roster?stations=a1', 'opA')).status).toBe(200);
    expect((await get('/api/roster?stations=b1', 'opA')).status).toBe(403);
    expect((await get('/api/roster?stations=a1', 'mgrPack')).status).toBe(403);
    const bad = await get('/api/roster', 'lead');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/stations/);
  });

  it('computes OEE, stops, timeline and pareto with the engine, scoped', async () => {
    const q = `from=${t0}&to=${t0 + 3600_000}&line=line-a`;
    const oee = (await (await get(`/api/oee?${q}&by=hour`, 'opA')).json()) as { lines: { id: string; total: { good: number; stopMs: number } }[] };
    expect(oee.lines.map((l) => l.id)).toEqual(['line-a']);
    expect(oee.lines[0]!.total.good).toBe(100);
    const stops = (await (await get(`/api/stops?${q}`, 'opA')).json()) as { lines: { stops: { reasonId: string; durationMs: number }[] }[] };
    expect(stops.lines[0]!.stops).toEqual([expect.objectContaining({ reasonId: 'jam', durationMs: 600_000, loss: 'breakdown' })]);
    // A window that cuts the jam: its start and duration are the window's part; startedAt says when it began.
    const cut = (await (await get(`/api/stops?from=${t0 + 360_000}&to=${t0 + 3600_000}&line=line-a`, 'opA')).json()) as { lines: { stops: { start: number; startedAt?: number; durationMs: number }[] }[] };
    expect(cut.lines[0]!.stops).toEqual([expect.objectContaining({ start: t0 + 360_000, startedAt: t0 + 60_000, durationMs: 300_000 })]);
    expect(stops.lines[0]!.stops[0]).not.toHaveProperty('startedAt');
    const timeline = (await (await get(`/api/timeline?${q}`, 'opA')).json()) as { lines: { segments: { state: string }[] }[] };
    // The line is monitored from its first event, 30 s into the window: before it, no data (ADR 0009).
    expect(timeline.lines[0]!.segments.map((s) => s.state)).toEqual(['no-data', 'running', 'stopped', 'running']);
    const pareto = (await (await get(`/api/pareto?${q}`, 'opA')).json()) as { reasons: { reasonId: string }[] };
    expect(pareto.reasons[0]!.reasonId).toBe('jam');
    const csv = await get(`/api/report.csv?${q}`, 'admin');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(await csv.text()).toMatch(/^scope,id,bucket_start/);
  });

  it('serves OEE from the hourly buckets, equal to the engine over the same hours', async () => {
    const from = Math.floor(t0 / 3600_000) * 3600_000 - 3600_000;
    const to = from + 4 * 3600_000;
    const q = `from=${from}&to=${to}&line=line-a`;
    type Totals = { good: number; plannedMs: number; runMs: number; stopMs: number; oee: number | null; mttrMs?: number | null; topReasons?: unknown[] };
    let hourly: { total: Totals; lines: { buckets: unknown[] }[] } | undefined;
    for (let i = 0; i < 50; i++) {
      hourly = (await (await get(`/api/oee/hourly?${q}`, 'opA')).json()) as typeof hourly;
      if (hourly!.total.good === 100) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const engine = ((await (await get(`/api/oee?${q}`, 'opA')).json()) as { lines: { total: Totals }[] }).lines[0]!.total;
    expect(hourly!.total.good).toBe(100);
    expect(hourly!.lines[0]!.buckets.length).toBeGreaterThanOrEqual(2);
    expect(hourly!.total.stopMs).toBe(engine.stopMs);
    // Reason tallies and the breakdown count are kept per hour, so the roll-up has them too.
    expect(hourly!.total).toMatchObject({ mttrMs: 600_000, topReasons: [expect.objectContaining({ reasonId: 'jam', count: 1, durationMs: 600_000 })] });
    expect(hourly!.total.plannedMs).toBeCloseTo(engine.plannedMs, -4);
    expect((await get(`/api/oee/hourly?${q}`, 'opB')).status).toBe(403);
  });

  it('answers long windows of /api/oee, /pareto and /report.csv from the buckets, short ones from events', async () => {
    // Every hour of the window after its first is among the 48 the writer fills at start.
    const from = Math.floor(Date.now() / 3600_000) * 3600_000 - 48.5 * 3600_000;
    // The window reaches past now, so the report is as of now: what the buckets hold (a past window
    // is as of its end, from events: buckets know what was recorded later).
    const q = `from=${from}&to=${Date.now() + 3600_000}&line=line-a`;
    let res = await get(`/api/oee?${q}&by=shift`, 'opA');
    // The writer fills the last two days at start; until then the raw events answer.
    for (let i = 0; i < 100 && res.headers.get('x-oee-source') !== 'buckets'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await get(`/api/oee?${q}&by=shift`, 'opA');
    }
    expect(res.headers.get('x-oee-source')).toBe('buckets');
    const total = ((await res.json()) as { lines: { total: { good: number; stopMs: number; stopCount: number; mttrMs: number; topReasons: { reasonId: string }[] } }[] }).lines[0]!.total;
    expect(total).toMatchObject({ good: 100, stopMs: 600_000, stopCount: 1, mttrMs: 600_000 });
    expect(total.topReasons.map((r) => r.reasonId)).toEqual(['jam']);
    const pareto = await get(`/api/pareto?${q}`, 'opA');
    expect(pareto.headers.get('x-oee-source')).toBe('buckets');
    expect(((await pareto.json()) as { reasons: { reasonId: string; count: number }[] }).reasons).toEqual([expect.objectContaining({ reasonId: 'jam', count: 1 })]);
    expect((await get(`/api/report.csv?${q}`, 'admin')).headers.get('x-oee-source')).toBe('buckets');
    expect((await get(`/api/oee?from=${t0}&to=${t0 + 3600_000}&line=line-a`, 'opA')).headers.get('x-oee-source')).toBe('events');
  });

  it.each([
    // [asOf after t0, good, stop ms]: the count came at +30 s, the jam from +60 s to +660 s.
    [20_000, 0, 0],
    [300_000, 100, 240_000],
    [3_600_000, 100, 600_000],
  ])('reports as of t0 + %i ms: what was recorded after it is not known', async (after, good, stopMs) => {
    const res = await get(`/api/oee?from=${t0}&to=${t0 + 3600_000}&line=line-a&asOf=${t0 + after}`, 'opA');
    const { query, lines } = (await res.json()) as { query: { now: number }; lines: { total: { good: number; stopMs: number } }[] };
    expect(query.now).toBe(t0 + after);
    expect([lines[0]!.total.good, lines[0]!.total.stopMs]).toEqual([good, stopMs]);
  });

  it.each([
    ['from=2026-02-30&to=2026-03-02', 'from', 'day 30 does not exist in 2026-02'],
    ['from=2026-03-01&to=2026-13-45', 'to', 'month 13 does not exist'],
    ['from=2026-03-01&to=2026-03-02&asOf=2026-03-01T25:00', 'asOf', 'hour 25 does not exist'],
  ])('refuses the impossible date in %s, naming %s', async (q, field, why) => {
    const res = await get(`/api/oee?${q}`, 'admin');
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(new RegExp(`${field}[^"]*: .*${why}`));
  });

  it('refuses lines out of scope and explains bad queries precisely', async () => {
    expect((await get(`/api/oee?from=${t0}&to=${t0 + 1000}&line=line-a`, 'opB')).status).toBe(403);
    expect((await get(`/api/oee?from=${t0}&to=${t0 + 1000}`, 'opB')).status).toBe(200);
    const bad = await get(`/api/oee?from=yesterday&to=${t0}&by=week`, 'admin');
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: { details: string[] } };
    expect(error.details.join('\n')).toMatch(/from: .*ISO 8601/);
    expect(error.details.join('\n')).toMatch(/by: /);
    const unknown = await get(`/api/stops?from=${t0}&to=${t0 + 1000}&line=line-z`, 'admin');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { details: string[] } }).error.details).toEqual(['line: unknown line "line-z"']);
    expect((await h.http(`/api/oee?from=${t0}&to=${t0 + 1000}`)).status).toBe(401);
  });
});
