import { describe, expect, it } from 'vitest';
import { FloorboardError, secretHashSchema } from '../../../src/core/index.ts';
import { DEFAULT_SCRYPT_PARAMS, hashSecret, parseSecretHash, verifySecret } from '../../../src/server/auth/secrets.ts';

// Low cost keeps the suite fast; one test below uses the production default.
const params = { N: 1024, r: 8, p: 1 };

describe('hashSecret / verifySecret', () => {
  it('stores the format secretHashSchema requires and verifies the right secret only', async () => {
    const stored = await hashSecret('4711', { params });
    expect(secretHashSchema.safeParse(stored).success).toBe(true);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[^$]+\$[^$]+$/);
    expect(await verifySecret('4711', stored)).toBe(true);
    expect(await verifySecret('4712', stored)).toBe(false);
    expect(await verifySecret('', stored)).toBe(false);
    expect(await verifySecret('47111', stored)).toBe(false);
  });

  it('uses a fresh random salt each time, so equal PINs do not share a hash', async () => {
    const a = await hashSecret('1234', { params });
    const b = await hashSecret('1234', { params });
    expect(a).not.toBe(b);
    expect(parseSecretHash(a).salt.length).toBe(16);
    expect(parseSecretHash(a).key.length).toBe(32);
  });

  it('is reproducible with an explicit salt (demo fixtures only)', async () => {
    const salt = Buffer.alloc(16, 7);
    expect(await hashSecret('pw', { params, salt })).toBe(await hashSecret('pw', { params, salt }));
  });

  it('uses the production default cost unless told otherwise', async () => {
    const stored = await hashSecret('correct horse');
    expect(parseSecretHash(stored).params).toEqual(DEFAULT_SCRYPT_PARAMS);
    expect(await verifySecret('correct horse', stored)).toBe(true);
  });

  it('treats canonically equal Unicode input as the same secret', async () => {
    const stored = await hashSecret('Kr\u00fcger', { params });
    expect(await verifySecret('Kru\u0308ger', stored)).toBe(true);
  });

  it('fails a hash whose key or salt was tampered with', async () => {
    const stored = await hashSecret('4711', { params });
    const parts = stored.split('$');
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString('base64');
    };
    expect(await verifySecret('4711', [...parts.slice(0, 5), flip(parts[5]!)].join('$'))).toBe(false);
    expect(await verifySecret('4711', [...parts.slice(0, 4), flip(parts[4]!), parts[5]].join('$'))).toBe(false);
  });

  it.each([
    ['not a hash', 'plain-text-password'],
    ['another algorithm', 'bcrypt$10$8$1$c2FsdA==$aGFzaA=='],
    ['N not a power of two', 'scrypt$1000$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA=='],
    ['N too large (would stall the process)', `scrypt$${2 ** 24}$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==`],
    ['r of zero', 'scrypt$1024$0$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA=='],
    ['a key too short to mean anything', 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0$aGFzaA=='],
  ])('rejects a malformed stored hash: %s', async (_name, stored) => {
    const error = await verifySecret('x', stored).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FloorboardError);
    expect((error as FloorboardError).code).toBe('invalid-config');
  });

  it('refuses to hash an empty secret or unsafe parameters', async () => {
    await expect(hashSecret('')).rejects.toMatchObject({ code: 'invalid-arguments' });
    await expect(hashSecret('x', { params: { N: 1000, r: 8, p: 1 } })).rejects.toMatchObject({ code: 'invalid-config' });
  });
});
