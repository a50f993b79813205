import type { SyncMode } from './sync-mode.ts';

/** Waiting entries this old (ms) bring up the full-width banner even while online. */
export const BANNER_WAIT_MS = 2 * 60_000;

/**
 * The full-width network banner shows when the tablet is offline (or cannot send until an online
 * sign-in), or when its oldest waiting entry has waited more than two minutes: an operator must
 * never believe entries reached the plant when they did not.
 * @example isBannerUp({ mode: 'online', waiting: 3, oldestTs: now - 150_000 }, now) // true
 */
export function isBannerUp(s: { mode: SyncMode; waiting: number; oldestTs: number | null }, now: number): boolean {
  if (s.mode === 'offline' || s.mode === 'needs-sign-in') return true;
  return s.waiting > 0 && s.oldestTs !== null && now - s.oldestTs > BANNER_WAIT_MS;
}
