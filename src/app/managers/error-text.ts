import { FloorboardError, hasErrorCode } from '../../core/errors.ts';
import { i18n } from './i18n.svelte.ts';

/**
 * One code-to-message map for what the operator reads; details go to the console. `isPassword`:
 * the form asked for a user id and password, so a refusal must not speak of badges.
 */
export function errorText(error: unknown, isPassword = false): string {
  console.error(error);
  if (hasErrorCode(error, 'unauthorized', 'forbidden') && error.data) {
    return i18n.t(error.code === 'unauthorized' ? 'signin.failedAtStation' : 'signin.notAtStation', { station: error.data.station });
  }
  if (hasErrorCode(error, 'locked-out', 'slowed-down')) {
    // An offline lock knows until when; the service's answer, as the API client relays it, does not.
    if (!error.data) return i18n.t('signin.locked');
    const s = Math.max(1, Math.ceil((error.data.until - Date.now()) / 1000));
    return s <= 90 ? i18n.t('signin.lockedSeconds', { n: s }) : i18n.t('signin.lockedMinutes', { n: Math.ceil(s / 60) });
  }
  if (error instanceof FloorboardError) {
    if (error.code === 'unauthorized') return i18n.t(isPassword ? 'signin.failedPassword' : 'signin.failed');
    if (error.code === 'signed-out') return i18n.t('error.signedOut');
    if (error.code === 'device-revoked') return i18n.t('error.deviceRevoked');
    if (error.code === 'storage-failed') return i18n.t('error.storage');
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The message and, one per line, each problem the service named ("users.8.badge: duplicate badge"): for forms whose refusals list fields. */
export function errorWithDetails(error: unknown): string {
  return [errorText(error), ...(error instanceof FloorboardError ? error.details : [])].join('\n');
}
