import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID made from content instead of randomness: the time part is `ts` (so ids sort by time like
 * a tablet's), the 80 random bits are the first bits of SHA-256 of `key`. The same imported row
 * always gives the same id, so importing a file twice stores nothing twice (ingest and the
 * engine drop copies by id, ADR 0001).
 * @example contentUlid(Date.UTC(2026, 2, 2), 'stops|turn-1|...|start').length === 26
 */
export function contentUlid(ts: number, key: string): string {
  let time = '';
  let t = ts;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = sha256(utf8ToBytes(key));
  let bits = 0;
  let acc = 0;
  let rest = '';
  for (let i = 0; rest.length < 16; ) {
    if (bits < 5) {
      acc = (acc << 8) | (bytes[i++] as number);
      bits += 8;
    }
    rest += CROCKFORD[(acc >> (bits - 5)) & 31];
    bits -= 5;
    acc &= (1 << bits) - 1;
  }
  return time + rest;
}
