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
let harness: Harness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('a stop open since long before the window (a machine stopped over the weekend)', () => {
  it('is in the stop list, the timeline, the audit and the shift report of the window, as the engine counts it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fb-carried-'));
    dirs.push(dir);
    const T = Math.floor(Date.now() / H) * H - 2 * H;
    let seq = 0;
    const ev = (ts: number, p: Record<string, unknown>, who = { deviceId: 'gw-a', author: 'gw-a' }) =>
      ({ v: 1, id: ulid(ts), seq: seq++, ts, lineId: 'line-a', stationId: 'a1', ...who, ...p }) as FloorEvent;
    const op = { deviceId: 'tab-a1', author: 'op-a' };
    // Stopped 30 h before the window; still stopped in it until 20 min in; an operator gives its reason 10 min in.
    const start = ev(T - 30 * H, { type: 'machine.state', state: 'fault' });
    const events = [
      ev(T - 31 * H, { type: 'machine.state', state: 'running' }),
      start,
      // The gateway's heartbeat every 30 s through the window's first 40 min: watched, no data nowhere.
      ...Array.from({ length: 80 }, (_, k) => ev(T + k * 30_000, { type: 'machine.heartbeat' })),
      ev(T + 10 * MIN, { type: 'stop.classify', stopId: start.id, reasonId: 'breakdown' }, op),
      ev(T + 20 * MIN, { type: 'machine.state', state: 'running' }),
    ];
    const storage = openStorage(undefined, dir);
    await storage.migrate();
    await storage.insertEvents(events.map((event) => ({ event, topic: 't', receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts })));
    // The service ran all along (its run log, ADR 0009): no service-down time in the window.
    await storage.touchRun(await storage.startRun(T - 32 * H), Date.now());
    await storage.close();
    harness = await startHarness({ dataDir: dir });
    const { token } = await harness.login(fixtureLogin('lead-a', 'dash-carried'));
    const get = async <T>(path: string) => {
      const res = await harness!.http(path, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, path).toBe(200);
      return (await res.json()) as T;
    };
    const q = `from=${T}&to=${T + H}&line=line-a`;

    const stops = await get<{ lines: { stops: { id: string; start: number; startedAt?: number; durationMs: number; reasonId: string | null }[] }[] }>(`/api/stops?${q}`);
    expect(stops.lines[0]!.stops).toEqual([expect.objectContaining({ id: start.id, start: T, startedAt: T - 30 * H, durationMs: 20 * MIN, reasonId: 'breakdown' })]);

    const timeline = await get<{ lines: { segments: { start: number; end: number; state: string; stopId: string | null }[] }[] }>(`/api/timeline?${q}`);
    expect(timeline.lines[0]!.segments[0]).toMatchObject({ start: T, end: T + 20 * MIN, state: 'stopped', stopId: start.id });

    const audit = await get<{ entries: { kind: string; stop: { start: number; stationId: string } | null }[] }>(`/api/audit?${q}`);
    expect(audit.entries).toEqual([expect.objectContaining({ kind: 'classify', stop: expect.objectContaining({ start: T - 30 * H, stationId: 'a1' }) })]);

    const report = await get<{ figures: { stopMs: number } }>(`/api/shift-report?${q}`);
    const oee = await get<{ lines: { total: { stopMs: number } }[] }>(`/api/oee?${q}&asOf=${T + H}`);
    expect(report.figures.stopMs).toBe(20 * MIN);
    expect(oee.lines[0]!.total.stopMs).toBe(20 * MIN);
  });

  it("names a stop its operator took back in the audit list: its time, station and length as it was", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fb-voided-'));
    dirs.push(dir);
    const T = Math.floor(Date.now() / H) * H - 2 * H;
    const op = { deviceId: 'tab-a1', author: 'op-a' };
    let seq = 0;
    const ev = (ts: number, p: Record<string, unknown>) => ({ v: 1, id: ulid(ts), seq: seq++, ts, lineId: 'line-a', stationId: 'a1', ...op, ...p }) as FloorEvent;
    const stop = ev(T + 5 * MIN, { type: 'stop.start', stopId: ulid(T + 5 * MIN - 1), reasonId: 'jam' });
    const stopId = (stop as { stopId: string }).stopId;
    const events = [stop, ev(T + 12 * MIN, { type: 'stop.end', stopId }), ev(T + 15 * MIN, { type: 'void', voids: stop.id, reason: 'wrong station' })];
    const storage = openStorage(undefined, dir);
    await storage.migrate();
    await storage.insertEvents(events.map((event) => ({ event, topic: 't', receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts })));
    await storage.touchRun(await storage.startRun(T - H), Date.now());
    await storage.close();
    harness = await startHarness({ dataDir: dir });
    const { token } = await harness.login(fixtureLogin('lead-a', 'dash-voided'));
    const res = await harness.http(`/api/audit?from=${T}&to=${T + H}&line=line-a`, { headers: { authorization: `Bearer ${token}` } });
    const audit = (await res.json()) as { entries: { kind: string; stop: { start: number; durationMs: number; stationId: string } | null }[] };
    expect(audit.entries.filter((e) => e.kind === 'void')).toEqual([expect.objectContaining({ stop: { start: T + 5 * MIN, durationMs: 7 * MIN, stationId: 'a1', isOpen: false } })]);
  });
});
