import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliIn } from './run-cli.ts';
import { writeWorkedExample } from './worked-example.fixture.ts';

let dir: string;
const cli = cliIn(() => dir);
const BASE = ['oee', '--plant', 'plant.json', '--events', 'events.ndjson', '--line', 'l1'];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floorboard-cli-columns-'));
  await writeWorkedExample(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('floorboard oee shows every figure the engine knows', () => {
  it('shows planned and run time, A/P/Q/OEE, utilization, TEEP, stops, MTBF, MTTR, the six losses and top reasons in the table', async () => {
    const { stdout } = await cli(...BASE);
    const [header, , l1] = stdout.split('\n');
    for (const h of ['planned min', 'run min', 'A', 'P', 'Q', 'OEE', 'coverage', 'util', 'TEEP', 'stops', 'MTBF min', 'MTTR min', 'breakdown min', 'setup min', 'minor min', 'speed min', 'defect min', 'yield min', 'top reasons'])
      expect(header).toMatch(new RegExp(`(^|\\s)${h}(\\s|$)`));
    // Worked example: 480-min shift, 420 planned (87.50 %), TEEP = 74.79 % x 87.50 % = 65.44 %;
    // one 47-min breakdown: MTBF 373 min, MTTR 47 min; reduced speed = 373 - 321.2 ideal = 51.8 min;
    // defects = 423 rejects x 1 s = 7.0 min.
    expect(l1).toMatch(/74\.79 %\s+100\.00 %\s+87\.50 %\s+65\.44 %\s+1\s+373\.0\s+47\.0\s+47\.0\s+0\.0\s+0\.0\s+51\.8\s+7\.0\s+0\.0\s+mech 47\.0 min x1$/);
  });

  it.each([
    ['table', ['id', 'oee_pct', 'teep_pct'], /^id\s+OEE\s+TEEP\n-+\s+-+\s+-+\nl1\s+74\.79 %\s+65\.44 %\n/],
    ['csv', ['id', 'oee_pct', 'mtbf_min', 'top_reasons'], /^id,oee_pct,mtbf_min,top_reasons\r\nl1,74\.79,373\.0,mech 47\.0 min x1\r\n/],
  ])('--columns picks the %s columns, in the order given', async (format, columns, expected) => {
    const { code, stdout } = await cli(...BASE, '--format', format, '--columns', columns.join(','));
    expect(code).toBe(0);
    expect(stdout).toMatch(expected);
  });

  it.each([
    [['--columns', 'id,oee,bogus'], '--columns "id,oee,bogus": unknown column "oee", "bogus"; the columns are all, scope, id, '],
    [['--columns', ','], 'must name at least one column'],
    [['--columns', 'id', '--format', 'json'], '--columns: applies to --format table or csv'],
  ])('refuses %j with exit code 2', async (args, message) => {
    const { code, stderr } = await cli(...BASE, ...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('--help lists every figure with its formula and the OEE form', async () => {
    const { code, stdout } = await cli('oee', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}teep_pct +TEEP = OEE x utilization$/m);
    expect(stdout).toMatch(/^ {2}mttr_min +MTTR = breakdown time \/ breakdown stops$/m);
    expect(stdout).toContain('OEE = A x P x Q with count-based quality');
  });
});
