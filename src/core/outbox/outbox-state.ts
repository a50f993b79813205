import type { Ack, FloorEvent, RejectCode } from '../events.schema.ts';
import { FloorboardError } from '../errors.ts';

/**
 * Where an entry is. `acked` is not a state: an acknowledged entry leaves the outbox.
 * `sent` is only ever in memory; after a reload every unacknowledged entry is pending again.
 */
export type EntryState =
  | { kind: 'pending' }
  | { kind: 'sent'; batchId: string; sentAt: number }
  | { kind: 'rejected'; code: RejectCode; message: string };

/** One outbox entry, keyed by its event id (the idempotency key the service dedupes on). */
export interface OutboxEntry {
  event: FloorEvent;
  state: EntryState;
}

/** A batch ready to publish: all entries share one topic. */
export interface OutboxBatch {
  batchId: string;
  /** The entries' common key (`keyOf`; by default `<lineId>/<stationId>`): says where the batch is published. */
  stationKey: string;
  events: FloorEvent[];
}

/** What an acknowledgement changed, so the storage adapter can commit exactly that. */
export interface AckOutcome {
  removed: string[];
  rejected: { id: string; code: RejectCode; message: string }[];
}

export const stationKeyOf = (e: Pick<FloorEvent, 'lineId' | 'stationId'>): string => `${e.lineId}/${e.stationId}`;

/**
 * The outbox as a deterministic state machine (no I/O, no clock): entries keyed by event id,
 * pending -> sent(batchId) -> removed on ack | rejected(code, message).
 * A rejected entry is kept for the operator and never taken into a batch again, so it cannot
 * block the entries behind it. The caller commits to storage first, then applies the change here.
 */
export class OutboxState {
  /**
   * `keyOf`: which entries may share a batch (one key, one topic). A tablet's entries go by station;
   * a lead's also by topic, since a correction and a classify of the same station go to different topics.
   */
  constructor(private readonly keyOf: (e: FloorEvent) => string = stationKeyOf) {}

  /** Insertion order is seq order: entries are added in the order they were committed. */
  readonly #entries = new Map<string, OutboxEntry>();
  readonly #inflight = new Map<string, string[]>();

  /** Adds an entry (pending unless given). Adding an id already present is a no-op. */
  add(event: FloorEvent, state: EntryState = { kind: 'pending' }): void {
    if (this.#entries.has(event.id)) return;
    this.#entries.set(event.id, { event, state: state.kind === 'sent' ? { kind: 'pending' } : state });
  }

  get size(): number {
    return this.#entries.size;
  }
  get inflightBatches(): number {
    return this.#inflight.size;
  }
  get(id: string): OutboxEntry | undefined {
    return this.#entries.get(id);
  }
  /** All entries in seq order (a snapshot copy). */
  entries(): OutboxEntry[] {
    return [...this.#entries.values()];
  }
  count(kind: EntryState['kind']): number {
    let n = 0;
    for (const e of this.#entries.values()) if (e.state.kind === kind) n++;
    return n;
  }
  /** Oldest device time among entries still waiting (pending or sent), or null. */
  oldestWaitingTs(): number | null {
    let oldest: number | null = null;
    for (const e of this.#entries.values())
      if (e.state.kind !== 'rejected' && (oldest === null || e.event.ts < oldest)) oldest = e.event.ts;
    return oldest;
  }

  /**
   * Takes up to `max` pending entries for the station of the oldest pending entry and marks them
   * sent under `batchId`. Returns null when nothing is pending.
   */
  takeBatch(batchId: string, now: number, max: number): OutboxBatch | null {
    if (this.#inflight.has(batchId)) throw new FloorboardError('internal', `batch id "${batchId}" is already in flight`);
    let stationKey: string | null = null;
    const events: FloorEvent[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.state.kind !== 'pending') continue;
      const key = this.keyOf(entry.event);
      stationKey ??= key;
      if (key !== stationKey) continue;
      entry.state = { kind: 'sent', batchId, sentAt: now };
      events.push(entry.event);
      if (events.length >= max) break;
    }
    if (stationKey === null) return null;
    this.#inflight.set(batchId, events.map((e) => e.id));
    return { batchId, stationKey, events };
  }

  /**
   * Outcome of an acknowledgement without applying it: lets storage commit first.
   * Ids no longer in the outbox (duplicate or late acks) are ignored.
   */
  outcomeOf(ack: Pick<Ack, 'accepted' | 'rejected'>): AckOutcome {
    const removed = ack.accepted.filter((id) => this.#entries.has(id));
    const rejected: AckOutcome['rejected'] = [];
    for (const r of ack.rejected) {
      const entry = r.id === undefined ? undefined : this.#entries.get(r.id);
      if (entry && r.id !== undefined && entry.state.kind !== 'rejected' && !removed.includes(r.id))
        rejected.push({ id: r.id, code: r.code, message: r.message });
    }
    return { removed: [...new Set(removed)], rejected };
  }

  /** Applies an outcome (after storage committed it). */
  apply(outcome: AckOutcome): void {
    for (const id of outcome.removed) this.#forget(id);
    for (const r of outcome.rejected) {
      const entry = this.#entries.get(r.id);
      if (!entry) continue;
      this.#unlink(r.id, entry);
      entry.state = { kind: 'rejected', code: r.code, message: r.message };
    }
  }

  /** The link dropped: nothing in flight will be acknowledged on it, so it is all pending again. */
  connectionLost(): void {
    for (const entry of this.#entries.values()) if (entry.state.kind === 'sent') entry.state = { kind: 'pending' };
    this.#inflight.clear();
  }

  /** Batches sent before `now - timeoutMs` with no ack yet go back to pending (the service dedupes). */
  expire(now: number, timeoutMs: number): number {
    let n = 0;
    for (const [batchId, ids] of this.#inflight) {
      const first = ids.map((id) => this.#entries.get(id)).find((e) => e?.state.kind === 'sent');
      if (first && first.state.kind === 'sent' && first.state.sentAt > now - timeoutMs) continue;
      for (const id of ids) {
        const e = this.#entries.get(id);
        if (e?.state.kind === 'sent' && e.state.batchId === batchId) {
          e.state = { kind: 'pending' };
          n++;
        }
      }
      this.#inflight.delete(batchId);
    }
    return n;
  }

  /** The operator dismissed a rejected entry (after reading why): it leaves the outbox. */
  dismiss(id: string): void {
    if (this.#entries.get(id)?.state.kind === 'rejected') this.#entries.delete(id);
  }

  #forget(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#unlink(id, entry);
    this.#entries.delete(id);
  }

  #unlink(id: string, entry: OutboxEntry): void {
    if (entry.state.kind !== 'sent') return;
    const ids = this.#inflight.get(entry.state.batchId);
    if (!ids) return;
    const rest = ids.filter((x) => x !== id);
    if (rest.length === 0) this.#inflight.delete(entry.state.batchId);
    else this.#inflight.set(entry.state.batchId, rest);
  }
}
