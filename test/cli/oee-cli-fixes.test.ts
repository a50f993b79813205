import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OeeReport } from '../../src/core/index.ts';
import { cliIn } from './run-cli.ts';
import { eventFixture, writeNdjson } from '../helpers/event-fixture.ts';
import { at, workedExampleEvents, workedExamplePlant } from './worked-example.fixture.ts';

let dir: string;

const cli = cliIn(() => dir);
const BASE = ['oee', '--plant', 'plant.json', '--events', 'events.ndjson'];
const json = async (...args: string[]) => JSON.parse((await cli(...BASE, '--format', 'json', ...args)).stdout) as OeeReport;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floorboard-cli-fixes-'));
  // l1's 47-min breakdown is corrected to planned maintenance at 22:40, after the shift.
  const events = workedExampleEvents();
  const l1 = eventFixture({ deviceId: 'tab-9', author: 'op-1', lineId: 'l1', stationId: 's1' });
  const start = events[0]!;
  const correction = l1.at(at(22, 40), { type: 'correction', supersedes: start.id, reason: 'was planned maintenance', replacement: { type: 'stop.start', stopId: start.id, reasonId: 'maintenance' } });
  await writeFile(join(dir, 'plant.json'), JSON.stringify(workedExamplePlant));
  await writeNdjson(join(dir, 'events.ndjson'), [...events, correction]);
  // Only l1's events, in a file of their own: its first event is at 07:00, an hour into the shift.
  await writeNdjson(join(dir, 'l1.ndjson'), events.filter((e) => e.lineId === 'l1'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('floorboard oee --as-of: a report as it was known then', () => {
  it.each([
    // [as-of, l1 planned min, l1 OEE %]: the correction recorded at 22:40 is unknown at 22:35.
    ['2026-03-02T22:35', 420, '74.79'],
    ['2026-03-02T22:45', 373, '84.22'],
    ['default: the window end (midnight), after the correction', 373, '84.22'],
  ])('as of %s: planned %i min, OEE %s %%', async (asOf, plannedMin, oee) => {
    const extra = asOf.startsWith('default') ? [] : ['--as-of', asOf];
    const report = await json('--from', '2026-03-02', '--to', '2026-03-03', '--by', 'window', '--line', 'l1', ...extra);
    expect(report.lines[0]!.total.plannedMs / 60_000).toBe(plannedMin);
    expect((report.lines[0]!.total.oee! * 100).toFixed(2)).toBe(oee);
  });
});

describe('floorboard oee: dates', () => {
  it.each([
    ['--from', '2026-02-30', 'day 30 does not exist in 2026-02 (it has 28 days)'],
    ['--from', '2026-13-45', 'month 13 does not exist'],
    ['--to', '2026-03-02T24:00', 'hour 24 does not exist'],
    ['--as-of', '2026-03-02T06:61', 'minute 61 does not exist'],
    ['--to', 'tomorrow', 'must be a date "2026-03-02"'],
  ])('refuses %s %s with exit code 2, naming the option and the value', async (option, value, why) => {
    const { code, stderr, stdout } = await cli(...BASE, option, value);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${option} "${value}": ${why}`);
  });

  it.each([
    // Berlin is UTC+1 on 2 March: a bare date is local midnight, a local time is plant time.
    ['2026-03-02', Date.UTC(2026, 2, 1, 23)],
    ['2026-03-02T06:00', at(6)],
    ['2026-03-02 06:30:15', at(6, 30) + 15_000],
    ['2026-03-02T06:00:00+01:00', at(6)],
    ['2026-03-02T05:00:00Z', at(6)],
  ])('reads --from %s in the plant time zone', async (from, ms) => {
    expect((await json('--from', from, '--to', '2026-03-03')).query.from).toBe(ms);
  });
});

describe('floorboard oee: default window = the whole days the events touch', () => {
  it('plans l1 from 06:00 though its first event is at 07:00, labels the shift 06:00-14:00, and sees no false P > 100 %', async () => {
    const args = ['oee', '--plant', 'plant.json', '--events', 'l1.ndjson', '--line', 'l1'];
    const { stdout } = await cli(...args, '--format', 'json');
    const report = JSON.parse(stdout) as OeeReport;
    expect(report.query).toMatchObject({ from: Date.UTC(2026, 2, 1, 23), to: Date.UTC(2026, 2, 2, 23), now: Date.UTC(2026, 2, 2, 23) });
    const t = report.lines[0]!.total;
    expect([t.plannedMs / 60_000, (t.oee! * 100).toFixed(2), t.isPerformanceOverLimit]).toEqual([420, '74.79', false]);
    const table = (await cli(...args)).stdout;
    expect(table).toMatch(/^line\s+l1\s+2026-03-02 06:00-14:00\s+early\s+420\.0\s/m);
    expect(table).not.toContain('P > 100 %');
  });
});
