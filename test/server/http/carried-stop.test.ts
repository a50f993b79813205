import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import type { FloorEvent } from '../../../src/core/index.ts';
import { openStorage } from '../../../src/server/storage/open-storage.ts';
import { startHarness, type Harness, fixtureLogin } from '../support/service-harness.ts';

const H = 3_600_000;
const MIN = 60_000;
const GATEWAY = { deviceId: 'gw-a', author: 'gw-a' };
const OPERATOR = { deviceId: 'tab-a1', author: 'op-a' };
let harness: Harness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A maker of line-a's events at station a1, the gateway's unless told whose. */
function eventsOfLineA() {
  let seq = 0;
  return (ts: number, p: Record<string, unknown>, who = GATEWAY) => ({ v: 1, id: ulid(ts), seq: seq++, ts, lineId: 'line-a', stationId: 'a1', ...who, ...p }) as FloorEvent;
}

/**
 * A real service on a database that holds `events` and whose run log says the service ran since
 * `ranSince` (ADR 0009: no service-down time). Returns a lead's GET, which must answer 200.
 */
async function serviceWith(name: string, events: readonly FloorEvent[], ranSince: number): Promise<(path: string) => Promise<Response>> {
  const dir = await mkdtemp(join(tmpdir(), `fb-${name}-`));
  dirs.push(dir);
  const storage = openStorage(undefined, dir);
  await storage.migrate();
  await storage.insertEvents(events.map((event) => ({ event, topic: 't', receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts })));
  await storage.touchRun(await storage.startRun(ranSince), Date.now());
  await storage.close();
  harness = await startHarness({ dataDir: dir });
  const { token } = await harness.login(fixtureLogin('lead-a', `dash-${name}`));
  return async (path) => {
    const res = await harness!.http(path, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, path).toBe(200);
    return res;
  };
}

/**
 * Line-a running until 31 h before `T`, then stopped (a fault) from 30 h before it until `until`;
 * the gateway's heartbeat every 30 s from `T` to 20 min after `until` (watched: no data nowhere),
 * and an operator giving the stop its reason 10 min after `T`.
 */
function stoppedSince(T: number, until: number) {
  const ev = eventsOfLineA();
  const start = ev(T - 30 * H, { type: 'machine.state', state: 'fault' });
  const events = [
    ev(T - 31 * H, { type: 'machine.state', state: 'running' }),
    start,
    ...Array.from({ length: (until - T + 20 * MIN) / 30_000 }, (_, k) => ev(T + k * 30_000, { type: 'machine.heartbeat' })),
    ev(T + 10 * MIN, { type: 'stop.classify', stopId: start.id, reasonId: 'breakdown' }, OPERATOR),
    ev(until, { type: 'machine.state', state: 'running' }),
  ];
  return { start, events };
}

const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;

describe('a stop open since long before the window (a machine stopped over the weekend)', () => {
  it('is in the stop list, the timeline, the audit and the shift report of the window, as the engine counts it', async () => {
    const T = Math.floor(Date.now() / H) * H - 2 * H;
    // Stopped 30 h before the window; still stopped in it until 20 min in.
    const { start, events } = stoppedSince(T, T + 20 * MIN);
    const get = await serviceWith('carried', events, T - 32 * H);
    const q = `from=${T}&to=${T + H}&line=line-a`;

    const stops = await json<{ lines: { stops: { id: string; start: number; startedAt?: number; durationMs: number; reasonId: string | null }[] }[] }>(get(`/api/stops?${q}`));
    expect(stops.lines[0]!.stops).toEqual([expect.objectContaining({ id: start.id, start: T, startedAt: T - 30 * H, durationMs: 20 * MIN, reasonId: 'breakdown' })]);

    const timeline = await json<{ lines: { segments: { start: number; end: number; state: string; stopId: string | null }[] }[] }>(get(`/api/timeline?${q}`));
    expect(timeline.lines[0]!.segments[0]).toMatchObject({ start: T, end: T + 20 * MIN, state: 'stopped', stopId: start.id });

    const audit = await json<{ entries: { kind: string; stop: { start: number; stationId: string } | null }[] }>(get(`/api/audit?${q}`));
    expect(audit.entries).toEqual([expect.objectContaining({ kind: 'classify', stop: expect.objectContaining({ start: T - 30 * H, stationId: 'a1' }) })]);

    const report = await json<{ figures: { stopMs: number } }>(get(`/api/shift-report?${q}`));
    const oee = await json<{ lines: { total: { stopMs: number } }[] }>(get(`/api/oee?${q}&asOf=${T + H}`));
    expect(report.figures.stopMs).toBe(20 * MIN);
    expect(oee.lines[0]!.total.stopMs).toBe(20 * MIN);
  });

  it('is counted by /api/oee over whole past hours from the hourly buckets as the shift report counts it', async () => {
    // 48 whole past hours, every one after the first among those the bucket writer fills at start.
    const to = Math.floor(Date.now() / H) * H - H;
    const T = to - 48 * H;
    // Stopped 30 h before the window, still stopped through its first 5 h: in hours the buckets
    // hold, not only in the head the raw events give.
    const { events } = stoppedSince(T, T + 5 * H);
    const get = await serviceWith('carried-buckets', events, T - 32 * H);
    const q = `from=${T}&to=${to}&line=line-a`;

    const report = await json<{ figures: { stopMs: number } }>(get(`/api/shift-report?${q}`));
    expect(report.figures.stopMs).toBe(5 * H);
    // As of now (only then may the buckets answer), once the writer has filled them at start.
    const asOfNow = () => get(`/api/oee?${q}&asOf=${Date.now() + MIN}`);
    let res = await asOfNow();
    for (let i = 0; i < 100 && res.headers.get('x-oee-source') !== 'buckets'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      res = await asOfNow();
    }
    expect(res.headers.get('x-oee-source')).toBe('buckets');
    const total = (await json<{ lines: { total: { stopMs: number; topReasons: { reasonId: string | null; durationMs: number }[] } }[] }>(res)).lines[0]!.total;
    expect(total.stopMs).toBe(report.figures.stopMs);
    expect(total.topReasons).toEqual([expect.objectContaining({ reasonId: 'breakdown', durationMs: 5 * H })]);
  });

  it('names a stop its operator took back in the audit list: its time, station and length as it was', async () => {
    const T = Math.floor(Date.now() / H) * H - 2 * H;
    const ev = eventsOfLineA();
    const stop = ev(T + 5 * MIN, { type: 'stop.start', stopId: ulid(T + 5 * MIN - 1), reasonId: 'jam' }, OPERATOR);
    const stopId = (stop as { stopId: string }).stopId;
    const get = await serviceWith('voided', [stop, ev(T + 12 * MIN, { type: 'stop.end', stopId }, OPERATOR), ev(T + 15 * MIN, { type: 'void', voids: stop.id, reason: 'wrong station' }, OPERATOR)], T - H);
    const audit = await json<{ entries: { kind: string; stop: { start: number; durationMs: number; stationId: string } | null }[] }>(get(`/api/audit?from=${T}&to=${T + H}&line=line-a`));
    expect(audit.entries.filter((e) => e.kind === 'void')).toEqual([expect.objectContaining({ stop: { start: T + 5 * MIN, durationMs: 7 * MIN, stationId: 'a1', isOpen: false } })]);
  });
});
