import { FloorboardError } from '../../core/errors.ts';
import { i18n } from '../managers/i18n.svelte.ts';
import { StationRefusedError } from '../domain/station-refusal.ts';

/**
 * One code-to-message map for what the operator reads; details go to the console. `isPassword`:
 * the form asked for a user id and password, so a refusal must not speak of badges.
 */
export function errorText(error: unknown, isPassword = false): string {
  console.error(error);
  if (error instanceof StationRefusedError) return i18n.t(error.isOffline ? 'signin.failedAtStation' : 'signin.notAtStation', { station: error.station });
  if (error instanceof FloorboardError) {
    if (error.code === 'unauthorized') return i18n.t(isPassword ? 'signin.failedPassword' : 'signin.failed');
    if (error.code === 'locked-out') {
      // An offline lock (PinLockedError) knows until when; the service's does not say.
      const retryAt = (error as { retryAt?: unknown }).retryAt;
      if (typeof retryAt !== 'number') return i18n.t('signin.locked');
      const s = Math.max(1, Math.ceil((retryAt - Date.now()) / 1000));
      return s <= 90 ? i18n.t('signin.lockedSeconds', { n: s }) : i18n.t('signin.lockedMinutes', { n: Math.ceil(s / 60) });
    }
    if (error.code === 'storage-failed') return i18n.t('error.storage');
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
