import type { StoredEventInput } from '../storage/storage.ts';
import { startLiveOee, type LiveOee, type LiveOeeOptions } from './live-oee.ts';

/** Live OEE that can be loaded again from storage (after the demo's backfill) without missing a commit. */
export interface ReloadableLive {
  onCommitted(records: readonly StoredEventInput[]): void;
  /** Loads from storage again (on a new plant version: with it); commits meanwhile reach the old and the new one. */
  reload(next?: Pick<LiveOeeOptions, 'plant' | 'index' | 'configVersion'>): Promise<void>;
  stop(): void;
}

export async function startReloadableLive(initial: LiveOeeOptions): Promise<ReloadableLive> {
  let options = initial;
  let live: LiveOee = await startLiveOee(options);
  let reloading: StoredEventInput[] | null = null;
  return {
    onCommitted(records) {
      live.onCommitted(records);
      reloading?.push(...records);
    },
    async reload(next) {
      if (next) options = { ...options, ...next };
      const meanwhile: StoredEventInput[] = [];
      reloading = meanwhile;
      try {
        const fresh = await startLiveOee(options);
        const old = live;
        live = fresh;
        old.stop();
        fresh.onCommitted(meanwhile);
      } finally {
        reloading = null;
      }
    },
    stop: () => live.stop(),
  };
}
