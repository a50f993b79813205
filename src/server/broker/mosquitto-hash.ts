import { pbkdf2Sync, randomBytes } from 'node:crypto';

/** A password as Mosquitto 2 stores it: PBKDF2-HMAC-SHA512, 64-byte key, 12-byte salt. */
export interface MosquittoHash {
  iterations: number;
  /** base64 of the salt bytes. */
  salt: string;
  /** base64 of the derived key. */
  hash: string;
  /** The password-file form `$7$<iterations>$<salt>$<hash>`, as `mosquitto_passwd` 2.x writes it. */
  line: string;
}

/**
 * Hashes a broker password for Mosquitto's password_file and the dynamic-security JSON (which keeps
 * the three parts in separate fields). 101 iterations is mosquitto_passwd's default; the passwords
 * we hash are random 192-bit strings, so more rounds would add CONNECT cost, not safety.
 * @example `${user}:${mosquittoHash(password).line}` is one password_file line.
 */
export function mosquittoHash(password: string, iterations = 101, salt: Buffer = randomBytes(12)): MosquittoHash {
  const hash = pbkdf2Sync(password, salt, iterations, 64, 'sha512').toString('base64');
  return { iterations, salt: salt.toString('base64'), hash, line: `$7$${iterations}$${salt.toString('base64')}$${hash}` };
}

/** A fresh random broker password (192 bits, URL-safe). */
export const newBrokerPassword = () => randomBytes(24).toString('base64url');
