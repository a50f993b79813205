import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureLogin, startHarness, type Harness } from '../server/support/service-harness.ts';
import { cliIn } from './run-cli.ts';

describe('floorboard device list|revoke, through a running service as an admin', () => {
  let h: Harness;
  let url: string;
  const cli = cliIn(() => h.dataDir);
  const signIn = () => ['--url', url, '--user', 'admin', '--password-file', 'admin.pw'];

  beforeAll(async () => {
    h = await startHarness();
    url = `http://127.0.0.1:${h.service.httpPort}`;
    await writeFile(join(h.dataDir, 'admin.pw'), 'admin-pass\n');
    await writeFile(join(h.dataDir, 'lead.pw'), 'lead-pass\n');
  });
  afterAll(async () => h?.close());

  it('lists the devices as a table, and revokes one: its token is refused and the list says by whom', async () => {
    await h.login(fixtureLogin('lead-a', 'tab-cli'));
    const op = await h.login({ ...fixtureLogin('op-a', 'tab-cli'), stationId: 'a1' });
    const listed = await cli('device', 'list', ...signIn());
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^device\s+kind\s+station\s+claimed by\s+last seen\s+app\s+waiting\s+clock offset\s+revoked$/);
    expect(listed.stdout).toMatch(/tab-cli\s+tablet\s+-\s+lead-a/);

    const revoked = await cli('device', 'revoke', 'tab-cli', ...signIn(), '--reason', 'stolen');
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain('device tab-cli revoked by admin');
    expect(revoked.stdout).toContain('claimed by lead-a');
    expect((await h.http('/api/plant', { headers: { authorization: `Bearer ${op.token}` } })).status).toBe(403);
    const json = JSON.parse((await cli('device', 'list', ...signIn(), '--json')).stdout) as { devices: { deviceId: string; revokedBy: string | null; claimedBy: string | null }[] };
    expect(json.devices.find((d) => d.deviceId === 'tab-cli')).toMatchObject({ revokedBy: 'admin', claimedBy: null });
  });

  it('says what is wrong: no device id, an unknown device, a non-admin, an unknown action', async () => {
    const missing = await cli('device', 'revoke', ...signIn());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('DEVICE_ID: is required');
    const unknown = await cli('device', 'revoke', 'tab-nobody', ...signIn());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no device "tab-nobody"');
    const lead = await cli('device', 'list', '--url', url, '--user', 'lead-a', '--password-file', 'lead.pw');
    expect(lead.code).toBe(1);
    expect(lead.stderr).toContain('403 devices are for admins');
    const action = await cli('device', 'wipe', ...signIn());
    expect(action.code).toBe(2);
    expect(action.stderr).toContain('unknown device command "wipe"');
  });
});
