import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header that carries `t=<unix ms>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'x-floorboard-signature';

/** The signature header's value for `body` sent at `at`: the time is signed with the body, so a replayed old body shows. */
export function signBody(secret: string, body: string, at: number): string {
  const mac = createHmac('sha256', secret).update(`${at}.${body}`).digest('hex');
  return `t=${at},v1=${mac}`;
}

/**
 * Checks a signature header as a receiver would: the HMAC matches and the time is within
 * `toleranceMs` of `now`. Returns null when valid, else why not.
 */
export function verifySignature(secret: string, body: string, header: string | undefined, now: number, toleranceMs = 5 * 60_000): string | null {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return 'missing or malformed signature header';
  const at = Number(m[1]);
  if (Math.abs(now - at) > toleranceMs) return 'signature time outside the tolerance';
  const expected = Buffer.from(signBody(secret, body, at).slice(-64), 'hex');
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex')) ? null : 'signature does not match';
}
