import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { verifyPinOffline } from '../../../src/app/services/offline-pin.ts';
import { hashSecret } from '../../../src/server/auth/secrets.ts';

describe('verifyPinOffline (browser scrypt, @noble/hashes)', () => {
  it('accepts the right PIN and refuses a wrong one against hashes the service made', async () => {
    const plant = JSON.parse(await readFile(new URL('../../fixtures/test.plant.json', import.meta.url), 'utf8')) as { users: { id: string; pinHash?: string }[] };
    const olga = plant.users.find((u) => u.id === 'op-a')!.pinHash!;
    expect(await verifyPinOffline('1234', olga)).toBe(true);
    expect(await verifyPinOffline('1235', olga)).toBe(false);
  });
  it('agrees with the service on default-cost hashes and NFKC normalisation', async () => {
    const stored = await hashSecret('４７１１'); // full-width digits normalise to "4711"
    expect(await verifyPinOffline('4711', stored)).toBe(true);
  });
  it('refuses malformed or absurdly expensive hashes instead of freezing the tablet', async () => {
    expect(await verifyPinOffline('1234', 'not-a-hash')).toBe(false);
    expect(await verifyPinOffline('1234', 'scrypt$4194304$8$1$AAAA$AAAA')).toBe(false);
  });
});
