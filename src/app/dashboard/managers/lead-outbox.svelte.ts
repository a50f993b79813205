import type { FloorEvent } from '../../../core/events.schema.ts';
import type { SyncEngine, SyncStatus } from '../../services/sync-engine.ts';

/** How many confirmed entries of this tab stay listed. */
const CONFIRMED_KEPT = 20;

/**
 * A lead's own entries (corrections, voids, splits, line handovers) as the outbox holds them:
 * waiting for the service, confirmed by its ack, or rejected with its message. Fed by the lead's
 * sync engine (main.ts wires it), the same engine and IndexedDB outbox as a tablet's entries.
 */
class LeadOutboxManager {
  engine = $state.raw<SyncEngine | null>(null);
  status = $state.raw<SyncStatus>({ mode: 'offline', waiting: 0, oldestTs: null, lastSyncAt: null, rejected: [] });
  /** Entries not acknowledged yet, in the order they were made. */
  waiting = $state.raw<FloorEvent[]>([]);
  /** Entries of this tab the service confirmed, newest first. */
  confirmed = $state.raw<FloorEvent[]>([]);
  /** Counts the acks applied: the line's history reloads after each. */
  settledCount = $state(0);

  update = (status: SyncStatus): void => {
    this.status = status;
    this.waiting = this.engine?.waiting() ?? [];
  };

  /** An ack settled these entries; those it did not reject are confirmed. */
  settled = (events: readonly FloorEvent[]): void => {
    const rejected = new Set(this.engine?.status().rejected.map((r) => r.id) ?? []);
    const accepted = events.filter((e) => !rejected.has(e.id));
    if (accepted.length > 0) this.confirmed = [...accepted].reverse().concat(this.confirmed).slice(0, CONFIRMED_KEPT);
    this.settledCount++;
  };

  reset(): void {
    this.engine = null;
    this.waiting = [];
    this.confirmed = [];
    this.status = { mode: 'offline', waiting: 0, oldestTs: null, lastSyncAt: null, rejected: [] };
  }
}

export const leadOutbox = new LeadOutboxManager();
