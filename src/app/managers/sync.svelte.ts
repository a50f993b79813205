import type { FloorEvent } from '../../core/events.schema.ts';
import type { SyncEngine, SyncStatus } from '../services/sync-engine.ts';

/** Sync status for the always-visible indicator; fed by the sync engine. */
class SyncManager {
  status = $state<SyncStatus>({ mode: 'offline', waiting: 0, oldestTs: null, lastSyncAt: null, rejected: [] });
  /** Outbox entries the service has not acknowledged yet (not the rejected ones). */
  waiting = $state.raw<FloorEvent[]>([]);
  engine: SyncEngine | null = null;

  update = (status: SyncStatus): void => {
    this.status = status;
    if (this.engine) this.waiting = this.engine.waiting();
  };
}

export const sync = new SyncManager();
