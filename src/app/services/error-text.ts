import { FloorboardError } from '../../core/errors.ts';
import { i18n } from '../managers/i18n.svelte.ts';

/** One code-to-message map for what the operator reads; details go to the console. */
export function errorText(error: unknown): string {
  console.error(error);
  if (error instanceof FloorboardError) {
    if (error.code === 'unauthorized') return i18n.t('signin.failed');
    if (error.code === 'locked-out') return i18n.t('signin.locked');
    if (error.code === 'storage-failed') return i18n.t('error.storage');
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
