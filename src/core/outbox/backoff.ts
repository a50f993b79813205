/** Reconnect timing: exponential growth capped at `maxMs`, with full jitter so a hall of tablets
 * coming back after a Wi-Fi outage does not hit the broker in the same millisecond. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * Delay before reconnect attempt `attempt` (0 = first retry), "full jitter" style.
 * `random` is injected (a number in [0, 1)) so the core stays deterministic under test.
 * @example backoffDelay(3, () => 0.5) // 0.5 * min(30000, 500 * 2^3) = 2000
 */
export function backoffDelay(attempt: number, random: () => number, options: BackoffOptions = defaultBackoff): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  const r = Math.min(Math.max(random(), 0), 0.999_999);
  // Never zero: a tight reconnect loop helps nobody.
  return Math.max(Math.round(options.baseMs / 4), Math.floor(ceiling * r));
}
