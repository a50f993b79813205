import type { AndonDeliveryAttempt, Storage } from '../storage/storage.ts';
import type { DeliveryAttempt, DeliveryQueue, DeliveryRecord } from './delivery-queue.ts';

/** Tries read at most for one listing of every call's deliveries. */
const LIST_LIMIT = 5000;

/** What the HTTP door reads of the delivery log. */
export interface DeliveryLogReader {
  /** One call's deliveries, oldest first (empty when none was logged). */
  logOf(callId: string): Promise<DeliveryRecord[]>;
  /** The latest deliveries of every call, newest first, or only the dead-lettered ones. */
  list(onlyDead: boolean): Promise<DeliveryRecord[]>;
}

/**
 * The stored delivery log of andon calls: every try of the delivery queue is written to storage
 * (table andon_deliveries) in order, and read back from there, so it outlives a restart. A
 * delivery still waiting for its next try in this run shows as pending with its time.
 */
export class DeliveryLog implements DeliveryLogReader {
  readonly #storage: Storage;
  readonly #log: (message: string, fields?: Record<string, unknown>) => void;
  #queue: DeliveryQueue | null = null;
  #writing: Promise<void> = Promise.resolve();

  constructor(storage: Storage, log: (message: string, fields?: Record<string, unknown>) => void) {
    this.#storage = storage;
    this.#log = log;
  }

  /** The queue whose pending deliveries are merged in (the queue is made with `record` as its hook). */
  attach(queue: DeliveryQueue): void {
    this.#queue = queue;
  }

  /** Stores one try (in the order tried); a failed write is logged, the delivery goes on. */
  record(r: DeliveryRecord, a: DeliveryAttempt): void {
    const row: AndonDeliveryAttempt = {
      deliveryId: r.id, callId: r.callId, lineId: r.lineId, channel: r.channel, target: r.target, change: r.change,
      attempt: r.attempts.indexOf(a) + 1, at: a.at, ms: Math.max(0, Math.round(a.ms)),
      outcome: a.error === null ? 'delivered' : r.state === 'dead' ? 'dead' : 'failed', status: a.status, error: a.error,
    };
    this.#writing = this.#writing
      .then(() => this.#storage.insertAndonDeliveryAttempt(row))
      .catch((error: unknown) => this.#log('andon delivery log write failed', { callId: r.callId, error: (error as Error).message }));
  }

  /** Resolves once every try recorded so far is stored. */
  flush(): Promise<void> {
    return this.#writing;
  }

  async logOf(callId: string): Promise<DeliveryRecord[]> {
    await this.flush();
    return this.#records(await this.#storage.listAndonDeliveryAttempts({ callId, limit: LIST_LIMIT }));
  }

  async list(onlyDead: boolean): Promise<DeliveryRecord[]> {
    await this.flush();
    return this.#records(await this.#storage.listAndonDeliveryAttempts({ onlyDead, limit: LIST_LIMIT })).reverse();
  }

  /**
   * Deliveries a restart cut (a try failed, and no next one in this run) with a try since `from`,
   * each with all its tries: what the service goes on with at start.
   */
  async interrupted(from: number): Promise<DeliveryRecord[]> {
    const recent = this.#records(await this.#storage.listAndonDeliveryAttempts({ from, limit: LIST_LIMIT }));
    const callIds = new Set(recent.filter((r) => r.state === 'interrupted').map((r) => r.callId));
    const out: DeliveryRecord[] = [];
    for (const callId of callIds) out.push(...(await this.logOf(callId)).filter((r) => r.state === 'interrupted'));
    return out;
  }

  /** Groups stored tries into deliveries, in the order of their first try. */
  #records(rows: readonly AndonDeliveryAttempt[]): DeliveryRecord[] {
    const byId = new Map<string, DeliveryRecord>();
    for (const t of rows) {
      let r = byId.get(t.deliveryId);
      if (!r) {
        r = { id: t.deliveryId, callId: t.callId, lineId: t.lineId, channel: t.channel, target: t.target, change: t.change, state: 'pending', attempts: [], nextAt: null };
        byId.set(t.deliveryId, r);
      }
      r.attempts.push({ at: t.at, status: t.status, error: t.error, ms: t.ms });
      r.state = t.outcome === 'delivered' ? 'delivered' : t.outcome === 'dead' ? 'dead' : 'pending';
    }
    for (const r of byId.values()) {
      if (r.state !== 'pending') continue;
      const live = this.#queue?.get(r.id);
      if (live?.state === 'pending') r.nextAt = live.nextAt;
      else if (!live) r.state = 'interrupted';
    }
    return [...byId.values()];
  }
}
