import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_PLANT } from '../server/support/service-harness.ts';
import { cliIn } from './run-cli.ts';

const cli = cliIn(() => dirname(FIXTURE_PLANT));

describe('floorboard gateway (command line)', () => {
  it('lists every missing or bad flag, with the usage', async () => {
    const r = await cli('gateway', '--service', 'ftp://x', '--user', 'GW A');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--plant: is required (--plant FILE)');
    expect(r.stderr).toContain('--data-dir: is required (--data-dir DIR)');
    expect(r.stderr).toContain('--service "ftp://x": must be the service URL');
    expect(r.stderr).toContain('--user "GW A": must be lower-case letters');
    expect(r.stderr).toContain('Usage: floorboard gateway');
  });
  it('refuses a user that is no gateway, and a gateway without connectors', async () => {
    const env = process.env.FLOORBOARD_PASSWORD;
    process.env.FLOORBOARD_PASSWORD = 'x';
    try {
      const lead = await cli('gateway', '--plant', 'test.plant.json', '--service', 'http://127.0.0.1:1', '--user', 'lead-a', '--data-dir', '/tmp/fb-gw-cli');
      expect(lead.stderr).toContain('"lead-a" is not a gateway user of the plant file');
      const gw = await cli('gateway', '--plant', 'test.plant.json', '--service', 'http://127.0.0.1:1', '--user', 'gw-a', '--data-dir', '/tmp/fb-gw-cli');
      expect(gw.code).toBe(2);
      expect(gw.stderr).toContain('no station of gateway user "gw-a" has a connector in the plant file');
    } finally {
      if (env === undefined) delete process.env.FLOORBOARD_PASSWORD;
      else process.env.FLOORBOARD_PASSWORD = env;
    }
  });
  it('is listed in the main help', async () => {
    expect((await cli('--help')).stdout).toMatch(/gateway\s+read machines over OPC UA/);
  });
});
