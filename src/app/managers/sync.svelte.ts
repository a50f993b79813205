import type { SyncEngine, SyncStatus } from '../services/sync-engine.ts';

/** Sync status for the always-visible indicator; fed by the sync engine. */
class SyncManager {
  status = $state<SyncStatus>({ mode: 'offline', waiting: 0, oldestTs: null, lastSyncAt: null, rejected: [] });
  engine: SyncEngine | null = null;

  update = (status: SyncStatus): void => {
    this.status = status;
  };
}

export const sync = new SyncManager();
