import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventFixture, writeNdjson } from '../helpers/event-fixture.ts';
import { at, workedExamplePlant } from './worked-example.fixture.ts';

const BIN = fileURLToPath(new URL('../../bin/floorboard.mjs', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floorboard-cli-co-'));
  await writeFile(join(dir, 'plant.json'), JSON.stringify(workedExamplePlant));
  const l1 = eventFixture({ deviceId: 'tab-1', author: 'op-1', lineId: 'l1', stationId: 's1' });
  // A one-minute changeover: under the 120 s small-stop threshold, yet setup, not a minor stop (ADR 0008).
  await writeNdjson(join(dir, 'events.ndjson'), [
    l1.at(at(7), { type: 'count', productId: 'p1', good: 100, reject: 0 }),
    l1.at(at(8), { type: 'changeover.start', toProductId: 'p1' }),
    l1.at(at(8, 1), { type: 'changeover.end', productId: 'p1' }),
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('floorboard oee: changeovers', () => {
  it('books a short changeover as stop time (setup), not as a minor stop inside run time', async () => {
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
      execFile(process.execPath, [BIN, 'oee', '--plant', 'plant.json', '--events', 'events.ndjson', '--from', '2026-03-02', '--to', '2026-03-03', '--line', 'l1', '--format', 'csv'], { cwd: dir, timeout: 20_000 }, (error, out) => (error ? reject(error) : resolve({ stdout: out }))),
    );
    const shift = stdout.split('\r\n').find((r) => r.startsWith('line,l1,'));
    // planned 420 min, stop 1.0 min (the changeover), run 419.
    expect(shift).toMatch(/^line,l1,[^,]+,[^,]+,early,420\.0,419\.0,1\.0,/);
  });
});
