import { describe, expect, it } from 'vitest';
import { CacheIdb, credentialsSchema } from '../../../src/app/adapters/cache-idb.ts';

describe('the tablet\'s stored broker credentials (cache-idb.ts)', () => {
  const stored = (userId: string) => ({ userId, token: 'secret', expiresAt: 1_900_000_000_000, bearer: 'jwt' });

  it('reads back the account of either broker: the user id (embedded), or <user>@<device> (external, one client per session)', () => {
    expect(CacheIdb.parse(stored('op-a'), credentialsSchema)?.userId).toBe('op-a');
    // Before, this one failed to parse: after a reload the tablet said "Sign in online to sync".
    expect(CacheIdb.parse(stored('op-a@tab-01m93de772nc1vd82s97w0v70g'), credentialsSchema)?.userId).toBe('op-a@tab-01m93de772nc1vd82s97w0v70g');
  });

  it('refuses anything else as a damaged record', () => {
    for (const bad of ['', 'Op A', 'op-a@', '@tab-1', 'op-a@tab-1@x', 'op/a'] as const) expect(CacheIdb.parse(stored(bad), credentialsSchema)).toBeNull();
  });
});
