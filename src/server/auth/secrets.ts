import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { FloorboardError, secretHashSchema } from '../../core/index.ts';

/** scrypt cost parameters as stored in a hash. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** 2^15 x 8: slow and memory-hard enough to make guessing expensive, yet a login still answers at once (docs/benchmarks.md). */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// Stored hashes come from a file someone may have edited: refuse costs that would stall the
// process or exhaust memory instead of trying them.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

function derive(secret: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  // Node refuses 128*N*r above `maxmem` (32 MiB by default), which is exactly our default; give headroom.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFKC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function checkParams(params: ScryptParams): void {
  const { N, r, p } = params;
  const isPowerOfTwo = Number.isInteger(N) && N >= 2 && (N & (N - 1)) === 0;
  if (!isPowerOfTwo || N > MAX_N) throw new FloorboardError('invalid-config', `scrypt N must be a power of two up to ${MAX_N}, got ${N}`);
  if (!Number.isInteger(r) || r < 1 || r > MAX_R) throw new FloorboardError('invalid-config', `scrypt r must be 1..${MAX_R}, got ${r}`);
  if (!Number.isInteger(p) || p < 1 || p > MAX_P) throw new FloorboardError('invalid-config', `scrypt p must be 1..${MAX_P}, got ${p}`);
}

/**
 * Hashes a PIN or password into the stored form "scrypt$N$r$p$saltB64$hashB64".
 * `salt` is for reproducible fixtures only (the demo plant); real secrets get a random one.
 *
 * @example
 * const stored = await hashSecret('4711');
 * await verifySecret('4711', stored); // true
 */
export async function hashSecret(
  secret: string,
  options: { params?: ScryptParams; salt?: Buffer } = {},
): Promise<string> {
  if (secret.length === 0) throw new FloorboardError('invalid-arguments', 'a secret must not be empty');
  const params = options.params ?? DEFAULT_SCRYPT_PARAMS;
  checkParams(params);
  const salt = options.salt ?? randomBytes(SALT_LENGTH);
  const key = await derive(secret, salt, params, KEY_LENGTH);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Splits a stored hash into its parts; throws `invalid-config` when it is not a well-formed scrypt hash. */
export function parseSecretHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } {
  const result = secretHashSchema.safeParse(stored);
  if (!result.success) throw new FloorboardError('invalid-config', 'stored secret is not a scrypt hash "scrypt$N$r$p$salt$hash"');
  const [, n, r, p, salt, key] = stored.split('$') as [string, string, string, string, string, string];
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  checkParams(params);
  const keyBytes = Buffer.from(key, 'base64');
  if (keyBytes.length < 16) throw new FloorboardError('invalid-config', 'stored scrypt hash is shorter than 16 bytes');
  return { params, salt: Buffer.from(salt, 'base64'), key: keyBytes };
}

/**
 * Checks a PIN or password against a stored hash in constant time (relative to the secret).
 * Resolves false on a mismatch; rejects with `invalid-config` when the stored hash is malformed.
 */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const { params, salt, key } = parseSecretHash(stored);
  const candidate = await derive(secret, salt, params, key.length);
  return timingSafeEqual(candidate, key);
}
