import type { FloorEvent } from '../../core/events.schema.ts';
import type { SyncEngine, SyncMode, SyncStatus } from '../services/sync-engine.ts';

/** Sync status for the always-visible indicator and the network banner; fed by the sync engine. */
class SyncManager {
  /** Replaced whole by each update (raw: not proxied, the engine builds a new one every time). */
  status = $state.raw<SyncStatus>({ mode: 'offline', waiting: 0, oldestTs: null, lastSyncAt: null, rejected: [] });
  /** Outbox entries the service has not acknowledged yet (not the rejected ones). */
  waiting = $state.raw<FloorEvent[]>([]);
  /** The browser's own word (navigator online/offline events): a dead link can take 30 s to time out. */
  isBrowserOnline = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
  /** The last sync kept in IndexedDB, so a reload never says "never synced" on a tablet that has. */
  keptLastSyncAt = $state<number | null>(null);
  engine: SyncEngine | null = null;
  /** Called when a newer sync time should be kept (wired to IndexedDB in main.ts). */
  onLastSync: ((at: number) => void) | null = null;

  /** The mode shown: offline as soon as the browser says so, whatever the MQTT link still claims. */
  mode = $derived<SyncMode>(this.isBrowserOnline ? this.status.mode : 'offline');
  lastSyncAt = $derived(this.status.lastSyncAt ?? this.keptLastSyncAt);

  update = (status: SyncStatus): void => {
    const previous = this.status.lastSyncAt;
    this.status = status;
    if (this.engine) this.waiting = this.engine.waiting();
    if (status.lastSyncAt !== null && status.lastSyncAt !== previous) this.onLastSync?.(status.lastSyncAt);
  };
}

export const sync = new SyncManager();
