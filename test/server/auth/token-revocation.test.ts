import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { User } from '../../../src/core/index.ts';
import { createTokenService } from '../../../src/server/auth/tokens.ts';

const SECRET = 'token-revocation-test-secret-0123456789';
const lead = { id: 'lead-a', name: 'Lea', role: 'lead', lines: ['line-a'], passwordHash: 'x' } as unknown as User;

describe('tokens of a revoked device', () => {
  let now = Date.UTC(2026, 11, 5, 8, 0, 0, 500);
  const revoked = new Map<string, number>();
  const tokens = createTokenService(SECRET, (id) => (id === lead.id ? lead : undefined), () => now, (id) => revoked.get(id));

  it('refuses every token issued for the device until its revocation, to the millisecond, and none after', async () => {
    const before = await tokens.issue(lead, 'tab-1');
    const other = await tokens.issue(lead, 'tab-2');
    now += 1;
    revoked.set('tab-1', now);
    await expect(tokens.verify(before.token)).rejects.toMatchObject({ code: 'device-revoked', message: expect.stringContaining('enrol it again') });
    await expect(tokens.verify(other.token)).resolves.toMatchObject({ deviceId: 'tab-2' });
    // Enrolled again in the same second: the new token is later than the revocation.
    now += 1;
    const after = await tokens.issue(lead, 'tab-1');
    await expect(tokens.verify(after.token)).resolves.toMatchObject({ deviceId: 'tab-1' });
  });

  it('refuses a token from before revocations existed (no ms claim) by its whole-second issue time', async () => {
    const key = new TextEncoder().encode(SECRET);
    const old = await new SignJWT({ role: 'lead', did: 'tab-old' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('lead-a')
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + 3600)
      .sign(key);
    revoked.set('tab-old', now);
    await expect(tokens.verify(old)).rejects.toMatchObject({ code: 'device-revoked' });
    revoked.set('tab-old', Math.floor(now / 1000) * 1000 - 1);
    await expect(tokens.verify(old)).resolves.toMatchObject({ deviceId: 'tab-old' });
  });
});
