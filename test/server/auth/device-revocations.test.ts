import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDeviceRevocations } from '../../../src/server/auth/device-revocations.ts';
import { openStorage } from '../../../src/server/storage/open-storage.ts';
import type { Storage } from '../../../src/server/storage/storage.ts';

describe('device revocations shared by the instances of a cluster (auth/device-revocations.ts)', () => {
  let dir = '';
  let storage: Storage | null = null;
  afterEach(async () => {
    await storage?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("takes another instance's later revocation, and never an older one in place of the one known", async () => {
    dir = await mkdtemp(join(tmpdir(), 'fb-revocations-'));
    storage = openStorage(undefined, dir);
    await storage.migrate();
    const here = await loadDeviceRevocations(storage);
    const there = await loadDeviceRevocations(storage);
    await here.record({ deviceId: 'tab-1', revokedAt: 1_000, revokedBy: 'admin', reason: 'lost' });
    await here.record({ deviceId: 'tab-1', revokedAt: 2_000, revokedBy: 'admin', reason: 'lost again' });

    // Nothing new here: the older row read first must not count as new, nor replace the later one.
    expect(await here.refresh()).toBe(0);
    expect(here.revokedAt('tab-1')).toBe(2_000);
    expect(await here.refresh()).toBe(0);

    // The other instance learns both, once.
    expect(await there.refresh()).toBe(1);
    expect(there.revokedAt('tab-1')).toBe(2_000);
    expect(await there.refresh()).toBe(0);

    // A later revocation made over there reaches here.
    await there.record({ deviceId: 'tab-1', revokedAt: 3_000, revokedBy: 'admin', reason: 'stolen' });
    expect(await here.refresh()).toBe(1);
    expect(here.latest('tab-1')?.reason).toBe('stolen');
  });
});
