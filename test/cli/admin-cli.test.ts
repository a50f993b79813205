import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startHarness, type Harness } from '../server/support/service-harness.ts';
import { cliIn } from './run-cli.ts';

describe('floorboard user and plant: an admin runs the plant from the command line, no YAML edit, no restart', () => {
  let h: Harness;
  let dir: string;
  let stdin = '';
  const cli = cliIn(() => dir, () => stdin);
  const as = (user: string) => ['--url', `http://127.0.0.1:${h.service.httpPort}`, '--user', user, '--password-file', 'pw'];

  beforeAll(async () => {
    h = await startHarness();
    dir = await mkdtemp(join(tmpdir(), 'floorboard-admin-cli-'));
    await writeFile(join(dir, 'pw'), 'admin-pass\n');
    await writeFile(join(dir, 'lead-pw'), 'lead-pass\n');
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('adds an operator with the PIN from standard input, lists them, sets a new PIN, disables them: each at once', async () => {
    stdin = '';
    const noPin = await cli('user', 'add', ...as('admin'), '--id', 'op-7', '--name', 'Anna Weber', '--role', 'operator', '--badge', '4711', '--stations', 'a1', '--reason', 'new hire');
    expect(noPin.code).toBe(2);
    expect(noPin.stderr).toContain('standard input: give the pin on standard input');

    stdin = '9876\n';
    const added = await cli('user', 'add', ...as('admin'), '--id', 'op-7', '--name', 'Anna Weber', '--role', 'operator', '--badge', '4711', '--stations', 'a1', '--reason', 'new hire');
    expect(added).toMatchObject({ code: 0, stdout: 'Applied as plant version 2:\n  users[op-7]: added (Anna Weber, operator)\n' });
    expect((await h.login({ kind: 'badge', badge: '4711', pin: '9876', deviceId: 't7' })).user.id).toBe('op-7');

    const list = await cli('user', 'list', ...as('admin'));
    expect(list.stdout).toMatch(/^op-7 +operator +Anna Weber {2}\(badge 4711, stations a1\)$/m);

    stdin = '1357\n';
    expect((await cli('user', 'set-pin', ...as('admin'), '--id', 'op-7', '--reason', 'forgot it')).stdout).toContain('users[op-7].pinHash: changed');
    await expect(h.login({ kind: 'badge', badge: '4711', pin: '9876', deviceId: 't7' })).rejects.toThrow(/401/);
    expect((await h.login({ kind: 'badge', badge: '4711', pin: '1357', deviceId: 't7' })).user.id).toBe('op-7');

    expect((await cli('user', 'disable', ...as('admin'), '--id', 'op-7', '--reason', 'left')).code).toBe(0);
    await expect(h.login({ kind: 'badge', badge: '4711', pin: '1357', deviceId: 't7' })).rejects.toThrow(/401/);
    expect((await cli('user', 'list', ...as('admin'))).stdout).toMatch(/^op-7 +operator +DISABLED Anna Weber/m);
    expect((await cli('user', 'enable', ...as('admin'), '--id', 'op-7', '--reason', 'came back')).code).toBe(0);
    expect((await h.login({ kind: 'badge', badge: '4711', pin: '1357', deviceId: 't7' })).user.id).toBe('op-7');
  });

  it('a lead is refused: the service decides, not the command line', async () => {
    const refused = await cli('user', 'list', '--url', `http://127.0.0.1:${h.service.httpPort}`, '--user', 'lead-a', '--password-file', 'lead-pw');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('403 the plant configuration is for admins');
  });

  it('exports the running plant as YAML, applies an edited file as a new version after showing its changes, and refuses a broken one by line', async () => {
    const exported = await cli('plant', 'export', ...as('admin'), '--out', 'plant.yaml');
    expect(exported.code).toBe(0);
    const text = await readFile(join(dir, 'plant.yaml'), 'utf8');
    // Round trip: the exported file applied as it is changes nothing.
    const same = await cli('plant', 'apply', 'plant.yaml', ...as('admin'), '--reason', 'round trip');
    expect(same).toMatchObject({ code: 0 });
    expect(same.stdout).toMatch(/^No changes: version \d+ already says the same\.\n$/);
    const plant = parse(text) as { areas: { lines: { products: { idealCycleTimeSec: number }[] }[] }[] };
    plant.areas[0]!.lines[0]!.products[0]!.idealCycleTimeSec = 1.8;
    await writeFile(join(dir, 'edited.yaml'), stringify(plant));

    const dry = await cli('plant', 'apply', 'edited.yaml', ...as('admin'), '--reason', 'new tooling', '--dry-run');
    expect(dry.stdout).toContain('  areas[assembly].lines[line-a].products[widget].idealCycleTimeSec: 2 → 1.8\n');
    expect(dry.stdout).toContain('Dry run: nothing applied.');
    const applied = await cli('plant', 'apply', 'edited.yaml', ...as('admin'), '--reason', 'new tooling');
    expect(applied).toMatchObject({ code: 0 });
    expect(applied.stdout).toMatch(/Applied as version \d+\.\n$/);
    expect((await cli('plant', 'apply', 'edited.yaml', ...as('admin'), '--reason', 'again')).stdout).toMatch(/^No changes/);
    const versions = await cli('plant', 'versions', ...as('admin'));
    expect(versions.stdout).toMatch(/^version \d+ .* admin {2}new tooling$/m);

    await writeFile(join(dir, 'broken.yaml'), text.replace(/idealCycleTimeSec: 2\n/, 'idealCycleTimeSec: -2\n'));
    const broken = await cli('plant', 'apply', 'broken.yaml', ...as('admin'), '--reason', 'oops');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/idealCycleTimeSec: .* \(line \d+\)/);
    const noReason = await cli('plant', 'apply', 'edited.yaml', ...as('admin'));
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason: is required');
  });
});
