import { expect, it } from 'vitest';
import type { StoredPlantVersion } from '../../../src/server/storage/plant-version-codec.ts';
import { T0 } from './event-fixtures.ts';
import type { ContractContext } from './storage.contract.ts';

const version = (n: number, over: Partial<StoredPlantVersion> = {}): StoredPlantVersion => ({
  version: n,
  plant: JSON.stringify({ schemaVersion: 1, n }),
  author: 'admin',
  reason: `change ${n}`,
  createdAt: T0 + n,
  diff: [`users[op-${n}]: added (Op ${n}, operator)`],
  sourceHash: 'abc',
  ...over,
});

export function plantVersionContract(ctx: ContractContext): void {
  it('keeps every plant version whole, the newest first, and a taken version number is refused', async () => {
    expect(await ctx.storage.latestPlantVersion()).toBeNull();
    expect(await ctx.storage.insertPlantVersion(version(1))).toBe(true);
    expect(await ctx.storage.insertPlantVersion(version(2, { reason: 'ümlaut \u0000 and quotes "x"' }))).toBe(true);
    // Two admins applying on top of version 2 at once: the second gets false and must rebase.
    expect(await ctx.storage.insertPlantVersion(version(2, { author: 'someone-else' }))).toBe(false);
    const latest = await ctx.storage.latestPlantVersion();
    expect(latest).toMatchObject({ version: 2, author: 'admin', plant: JSON.stringify({ schemaVersion: 1, n: 2 }), diff: ['users[op-2]: added (Op 2, operator)'] });
    // NUL, which PostgreSQL refuses in text, is kept visible as U+FFFD rather than refusing the version.
    expect(latest!.reason).toBe('ümlaut \ufffd and quotes "x"');
    expect((await ctx.storage.getPlantVersion(1))?.reason).toBe('change 1');
    expect(await ctx.storage.getPlantVersion(7)).toBeNull();
    const list = await ctx.storage.listPlantVersions(10);
    expect(list.map((v) => v.version)).toEqual([2, 1]);
    expect(list[0]).not.toHaveProperty('plant');
    expect((await ctx.storage.listPlantVersions(1)).map((v) => v.version)).toEqual([2]);
  });
}
