import type { Workbox } from 'workbox-window';

/**
 * A new app version waiting in the service worker. It is applied only when the operator taps
 * "update" and no entry is in progress (a dialog open, a count half-typed), never mid-entry.
 */
class UpdateManager {
  isReady = $state(false);
  /** Set by the screens while an entry is being made. */
  isEntryInProgress = $state(false);
  #wb: Workbox | null = null;

  /** Registers the service worker (production builds only). */
  async register(): Promise<void> {
    if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
    const { Workbox } = await import('workbox-window');
    const wb = new Workbox('/sw.js');
    wb.addEventListener('waiting', () => (this.isReady = true));
    wb.addEventListener('controlling', () => window.location.reload());
    this.#wb = wb;
    try {
      await wb.register();
    } catch (error) {
      // No service worker (blocked by policy, private mode): the app still works online, only
      // offline start and update offers are gone. Not worth stopping anything for.
      console.warn('service worker not registered', error);
    }
  }

  apply(): void {
    if (!this.isReady || this.isEntryInProgress) return;
    this.#wb?.messageSkipWaiting();
  }
}

export const update = new UpdateManager();
