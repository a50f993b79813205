import { secretHashSchema } from '../../core/plant.schema.ts';
import { afterFailure, pinLocked, retryAt, type PinAttempts } from '../domain/pin-attempts.ts';

const fromB64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/**
 * Checks a PIN against a cached roster hash "scrypt$N$r$p$salt$hash" in the browser.
 * WebCrypto has no scrypt, so this uses @noble/hashes (audited, no dependencies); `scryptAsync`
 * yields to the event loop so the screen stays responsive while it runs (scrypt is slow on purpose).
 * The PIN is normalised NFKC exactly as the service does before hashing.
 */
export async function verifyPinOffline(pin: string, stored: string): Promise<boolean> {
  if (!secretHashSchema.safeParse(stored).success) return false;
  const [, n, r, p, salt, hash] = stored.split('$') as [string, string, string, string, string, string];
  const N = Number(n);
  // Refuse costs that would freeze the tablet (a tampered cache), like the service does.
  if (N > 2 ** 20 || Number(r) > 32 || Number(p) > 16) return false;
  const expected = fromB64(hash);
  // Loaded only for an offline sign-in: it is not part of the first screen.
  const { scryptAsync } = await import('@noble/hashes/scrypt.js');
  const key = await scryptAsync(new TextEncoder().encode(pin.normalize('NFKC')), fromB64(salt), {
    N,
    r: Number(r),
    p: Number(p),
    dkLen: expected.length,
    maxmem: 256 * N * Number(r) + 1024 * 1024,
  });
  let diff = key.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) diff |= (key[i] ?? 0) ^ (expected[i] ?? 0);
  return diff === 0;
}

/** Where the count of wrong offline PINs lives (IndexedDB in the app): read and written on every try. */
export interface PinAttemptStore {
  load(): Promise<PinAttempts | null>;
  save(attempts: PinAttempts | null): Promise<void>;
}

/**
 * Offline sign-in with a limit on wrong PINs: refuses with `locked-out` (until when, in its data) while the tablet waits
 * (see `waitAfter`), else checks the PIN (an unknown badge counts as a wrong PIN, so badges cannot
 * be probed) and records the outcome before answering.
 */
export async function checkPinOffline(store: PinAttemptStore, pin: string, pinHash: string | undefined, now: number): Promise<boolean> {
  const attempts = await store.load();
  const allowedAt = retryAt(attempts);
  if (now < allowedAt) throw pinLocked(allowedAt);
  const isRight = pinHash !== undefined && (await verifyPinOffline(pin, pinHash));
  await store.save(isRight ? null : afterFailure(attempts, now));
  return isRight;
}
