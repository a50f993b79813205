import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OeeReport } from '../../src/core/index.ts';
import { at, workedExampleEvents, workedExamplePlant, writeWorkedExample } from './worked-example.fixture.ts';

const BIN = fileURLToPath(new URL('../../bin/floorboard.mjs', import.meta.url));
let dir: string;

/** Runs the real CLI as a child process, from the temp dir, like a user would. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: 20_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

const DAY = ['--from', '2026-03-02', '--to', '2026-03-03'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floorboard-cli-'));
  await writeWorkedExample(dir, [
    '{"v":1,"id":"not-an-id"', // truncated JSON
    JSON.stringify({ v: 1, id: '01JNJ5V1M0AAAAAAAAAAAAAAAA', deviceId: 'tab-1', seq: 99, ts: at(8), author: 'op-1', lineId: 'l1', stationId: 's1', type: 'count', productId: 'p1', good: 0, reject: 0 }),
    JSON.stringify({ v: 1, id: '01JNJ5V1M0AAAAAAAAAAAAAAAB', deviceId: 'tab-1', seq: 100, ts: at(8), author: 'op-1', lineId: 'l1', stationId: 's1', type: 'teleport' }),
    '',
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('floorboard oee', () => {
  it('computes the oee.com worked example to the hundredth of a percent (table)', async () => {
    const { code, stdout, stderr } = await cli('oee', '--plant', 'plant.json', '--events', 'events.ndjson', ...DAY, '--line', 'l1');
    expect(code).toBe(0);
    const row = stdout.split('\n').find((l) => l.startsWith('line ') && l.includes(' l1 '));
    expect(row).toMatch(/2026-03-02 06:00-14:00\s+early\s+420\.0\s+373\.0\s+18848\s+423\s+88\.81 %\s+86\.11 %\s+97\.80 %\s+74\.79 %\s+100\.00 %/);
    // Only l1 was asked for: its area and the site roll up only l1.
    expect(stdout).toMatch(/^site\s+site\s+.*74\.79 %/m);
    expect(stdout).not.toMatch(/\bl2\b/);
    expect(stderr).toContain('events: 13 read, 10 used, 3 skipped (invalid)');
  });

  it('reports every invalid events line with its number and reason, and skips it', async () => {
    const { stderr } = await cli('oee', '--plant', 'plant.json', '--events', 'events.ndjson', ...DAY);
    expect(stderr).toMatch(/^events\.ndjson: line 11: not valid JSON/m);
    expect(stderr).toMatch(/^events\.ndjson: line 12: good: a count must have good or reject above zero$/m);
    expect(stderr).toMatch(/^events\.ndjson: line 13: type: unknown event type "teleport"; expected one of stop\.start, /m);
  });

  it('rolls areas and the site up from summed times and counts, never averaged percentages', async () => {
    const { code, stdout } = await cli('oee', '--plant', 'plant.json', '--events', 'events.ndjson', ...DAY, '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as OeeReport;
    const [l1, l2] = report.lines;
    expect(l1!.total.oee).toBeCloseTo(0.7479, 4);
    expect(l2!.total.oee).toBeCloseTo(20_000 / 21_600, 4); // 1 h planned maintenance is not planned time
    const site = report.site.total;
    expect(site.plannedMs).toBe(l1!.total.plannedMs + l2!.total.plannedMs);
    expect(site.runMs).toBe(l1!.total.runMs + l2!.total.runMs);
    expect(site.good).toBe(28_848);
    expect(site.availability).toBeCloseTo(733 / 780, 6);
    expect(site.oee).not.toBeCloseTo((l1!.total.oee! + l2!.total.oee!) / 2, 3);
    expect(report.areas.map((a) => [a.id, a.total.oee?.toFixed(4)])).toEqual([['a1', l1!.total.oee!.toFixed(4)], ['a2', l2!.total.oee!.toFixed(4)]]);
  });

  it('writes CSV with a header row, CRLF line ends and empty cells where nothing was scheduled', async () => {
    const { code, stdout } = await cli('oee', '--plant', 'plant.json', '--events', 'events.ndjson', ...DAY, '--by', 'hour', '--line', 'l1', '--format', 'csv');
    expect(code).toBe(0);
    const rows = stdout.trimEnd().split('\r\n');
    expect(stdout.replaceAll('\r\n', '')).not.toContain('\n');
    // The columns of earlier versions first, in their order; the new figures after them.
    expect(rows[0]).toMatch(/^scope,id,bucket_start,bucket_end,shift,planned_min,run_min,stop_min,good,reject,total,availability_pct,performance_pct,quality_pct,oee_pct,is_scheduled,is_performance_over_limit,no_data_min,coverage_pct,all_time_min,utilization_pct,teep_pct,/);
    const starting = (prefix: string) => rows.find((r) => r.startsWith(prefix));
    // 24 hours + a total row, for the line, its area and the site.
    expect(rows).toHaveLength(1 + 3 * 25);
    // An hour without shifts: no ratios, but utilization and TEEP 0 % (0 planned of 60 min).
    expect(starting('line,l1,2026-03-02T00:00:00.000Z,2026-03-02T01:00:00.000Z,')).toMatch(/^[^,]*(,[^,]*){4},0\.0,0\.0,0\.0,0,0,0,,,,,false,false,0\.0,,60\.0,0\.00,0\.00,/);
    expect(starting('line,l1,2026-03-01T23:00:00.000Z,2026-03-02T23:00:00.000Z,total,420.0,373.0,47.0,18848,423,19271,88.81,86.11,97.80,74.79,true,false,0.0,100.00,')).toBeDefined();
    // 08:00-09:00: 5,100 parts at 1 s in 60 min is faster than ideal: flagged.
    expect(starting('line,l1,2026-03-02T07:00:00.000Z,2026-03-02T08:00:00.000Z,,60.0,60.0,0.0,5000,100,5100,100.00,141.67,98.04,138.89,true,true,0.0,100.00,')).toBeDefined();
  });

  it('marks unscheduled buckets and performance over 100 % in the table', async () => {
    const { stdout } = await cli('oee', '--plant', 'plant.json', '--events', 'events.ndjson', '--from', '2026-03-02T05:00:00+01:00', '--to', '2026-03-02T09:00:00+01:00', '--by', 'hour', '--line', 'l1');
    expect(stdout).toMatch(/^line\s+l1\s+2026-03-02 05:00-06:00\s+0\.0\s+0\.0\s+0\s+0\s+-\s+-\s+-\s+not scheduled\s+-\s+0\.00 %\s+0\.00 %\s/m);
    expect(stdout).toMatch(/^line\s+l1\s+2026-03-02 08:00-09:00 .*141\.67 %.*138\.89 %\s+100\.00 %\s.*\s+P > 100 %: check ideal cycle time$/m);
  });

  it('shows time before monitoring as no data: coverage beside OEE, and "no data" where nothing was seen', async () => {
    const sub = await mkdtemp(join(dir, 'no-data-'));
    const { monitoredFrom: _m, ...l1 } = workedExamplePlant.areas[0]!.lines[0]!;
    await writeFile(join(sub, 'plant.json'), JSON.stringify({ ...workedExamplePlant, areas: [{ ...workedExamplePlant.areas[0]!, lines: [l1] }] }));
    await writeFile(join(sub, 'events.ndjson'), workedExampleEvents().filter((e) => e.lineId === 'l1').map((e) => JSON.stringify(e)).join('\n') + '\n');
    const args = ['oee', '--plant', join(sub, 'plant.json'), '--events', join(sub, 'events.ndjson'), ...DAY, '--by', 'hour', '--line', 'l1'];
    const table = await cli(...args);
    // Monitoring starts at the first event (07:00): 06:00-07:00 is no data, never 0 % or "running".
    expect(table.stdout).toMatch(/^line\s+l1\s+2026-03-02 06:00-07:00\s+0\.0\s+0\.0\s+0\s+0\s+-\s+-\s+-\s+no data\s+0\.00 %\s/m);
    expect(table.stdout).toMatch(/^line\s+l1\s+2026-03-02 00:00 - 2026-03-03 00:00\s+total\s+360\.0\s+313\.0 .*87\.26 %\s+85\.71 %\s.*P > 100 %/m);
    const csv = await cli(...args, '--format', 'csv');
    expect(csv.stdout).toContain('line,l1,2026-03-02T05:00:00.000Z,2026-03-02T06:00:00.000Z,,0.0,0.0,0.0,0,0,0,,,,,false,false,60.0,0.00,');
    const json = JSON.parse((await cli(...args, '--format', 'json')).stdout) as OeeReport;
    expect(json.lines[0]!.total).toMatchObject({ noDataMs: 3_600_000, scheduledMs: 420 * 60_000, coverage: 360 / 420 });
  });

  it('defaults the window to the local days the events touch and `now` to its end', async () => {
    const { code, stdout } = await cli('oee', '--plant', 'plant.json', '--events', 'events.ndjson', '--format', 'json', '--by', 'window');
    expect(code).toBe(0);
    const { query } = JSON.parse(stdout) as OeeReport;
    // Berlin midnight to midnight (UTC+1).
    expect(query).toEqual({ from: at(0), to: at(24), now: at(24), by: 'window' });
  });

  it('answers bad arguments with every problem, the usage, and exit code 2', async () => {
    const { code, stderr, stdout } = await cli('oee', '--plant', 'plant.json', '--by', 'week', '--format', 'xml', '--from', 'yesterday', '--line', 'Line 1');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--events: is required (--events FILE)');
    for (const expected of ['--by "week": must be one of hour, shift, day, window', '--format "xml": must be one of table, json, csv', '--from "yesterday": must be a date', '--line "Line 1": must be lower-case'])
      expect(stderr).toContain(expected);
    expect(stderr).toContain('Usage: floorboard oee --plant FILE --events FILE');
  });

  it.each([
    ['an unknown option', ['--plant', 'plant.json', '--events', 'events.ndjson', '--bogus'], "Unknown option '--bogus'"],
    ['a window that ends before it starts', ['--plant', 'plant.json', '--events', 'events.ndjson', '--from', '2026-03-03', '--to', '2026-03-02'], 'must be before --to'],
    ['an unknown line', ['--plant', 'plant.json', '--events', 'events.ndjson', '--line', 'l9'], '--line: unknown line "l9"; the plant has l1, l2'],
    ['a missing events file', ['--plant', 'plant.json', '--events', 'nope.ndjson'], 'cannot read events file'],
  ])('exits 2 on %s', async (_name, args, message) => {
    const { code, stderr } = await cli('oee', ...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('exits 1 on a bad plant file, printing every offending path', async () => {
    await writeFile(join(dir, 'bad.plant.yaml'), 'schemaVersion: 1\nsite: { id: "Bad Site", name: x }\ncalendar: { timezone: UTC, shifts: [] }\nproducts: []\nareas: []\nreasons: []\n');
    const { code, stderr } = await cli('oee', '--plant', 'bad.plant.yaml', '--events', 'events.ndjson');
    expect(code).toBe(1);
    expect(stderr).toContain('floorboard: plant file');
    for (const path of ['site.id', 'calendar.shifts', 'products', 'areas', 'reasons']) expect(stderr).toMatch(new RegExp(`^  ${path}: .+ \\(line \\d\\)$`, 'm'));
    expect(stderr).not.toContain('Usage:');
  });

  it('lists its commands, and exits 2 on an unknown one', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}oee +compute OEE/m);
    expect(help.stdout).toMatch(/^ {2}broker-config +write a Mosquitto configuration/m);
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect((await cli('oee', '--help')).stdout).toContain('--by BUCKET');
  });
});
