import { z } from 'zod';
import { eventSchema, type FloorEvent } from '../../core/events.schema.ts';
import { outboxRecordSchema, type OutboxRecord } from '../../core/outbox/outbox-record.schema.ts';
import type { AckOutcome } from '../../core/outbox/outbox-state.ts';
import { FloorboardError } from '../../core/errors.ts';
import type { Db } from './db.ts';

const SEQ_KEY = 'seq';
const JOURNAL_KEEP_MS = 36 * 3600_000;

/**
 * The outbox on disk. Every entry is committed in ONE transaction (entry + journal copy + the
 * device sequence counter) before the caller may show it as done; only then does memory change.
 */
export class OutboxIdb {
  constructor(private readonly db: Db) {}

  /**
   * Assigns the next per-device seq, builds the event with it and commits it.
   * Resolves only after the transaction completed (durable).
   */
  async append(build: (seq: number) => FloorEvent, clockOffsetMs: number | null): Promise<OutboxRecord> {
    const tx = this.db.transaction(['outbox', 'journal', 'meta'], 'readwrite', { durability: 'strict' });
    try {
      const seq = z.number().int().min(0).catch(0).parse(await tx.objectStore('meta').get(SEQ_KEY));
      const event = eventSchema.parse(build(seq)) as FloorEvent;
      const record: OutboxRecord = { id: event.id, seq, event, state: { kind: 'pending' }, clockOffsetMs };
      await Promise.all([
        tx.objectStore('outbox').add(record),
        tx.objectStore('journal').put(event),
        tx.objectStore('meta').put(seq + 1, SEQ_KEY),
        tx.done,
      ]);
      return record;
    } catch (cause) {
      try {
        tx.abort();
      } catch {
        // already finished or aborted
      }
      if (cause instanceof z.ZodError) throw new FloorboardError('invalid-event', 'entry is not a valid event', { cause });
      throw new FloorboardError('storage-failed', 'could not save the entry on this tablet', { cause });
    }
  }

  /** All stored entries in seq order; records that fail validation are reported, not dropped. */
  async loadAll(): Promise<{ records: OutboxRecord[]; invalid: string[] }> {
    const raw = await this.db.getAllFromIndex('outbox', 'seq');
    const records: OutboxRecord[] = [];
    const invalid: string[] = [];
    for (const value of raw) {
      const parsed = outboxRecordSchema.safeParse(value);
      if (parsed.success) records.push(parsed.data as OutboxRecord);
      else invalid.push(String((value as { id?: unknown } | null)?.id ?? '?'));
    }
    return { records, invalid };
  }

  /** Commits what an acknowledgement changed in one transaction. */
  async commitOutcome(outcome: AckOutcome): Promise<void> {
    if (outcome.removed.length === 0 && outcome.rejected.length === 0) return;
    const tx = this.db.transaction('outbox', 'readwrite');
    const store = tx.objectStore('outbox');
    const work: Promise<unknown>[] = outcome.removed.map((id) => store.delete(id));
    for (const r of outcome.rejected) {
      work.push(
        store.get(r.id).then((value) => {
          const parsed = outboxRecordSchema.safeParse(value);
          if (parsed.success) return store.put({ ...parsed.data, state: { kind: 'rejected', code: r.code, message: r.message } });
        }),
      );
    }
    await Promise.all([...work, tx.done]);
  }

  /** Removes a rejected entry the operator has read. */
  async dismiss(id: string): Promise<void> {
    await this.db.delete('outbox', id);
  }

  /** The device's own recent events (for the station view), oldest first. Read-only: start-up path. */
  async journal(now: number): Promise<FloorEvent[]> {
    const all = await this.db.getAllFromIndex('journal', 'ts', IDBKeyRange.lowerBound(now - JOURNAL_KEEP_MS));
    return all.flatMap((v) => {
      const p = eventSchema.safeParse(v);
      return p.success ? [p.data as FloorEvent] : [];
    });
  }

  /** Drops journal events older than the window (run when idle, not at start-up). */
  async pruneJournal(now: number): Promise<void> {
    const tx = this.db.transaction('journal', 'readwrite');
    const index = tx.store.index('ts');
    for (let c = await index.openCursor(IDBKeyRange.upperBound(now - JOURNAL_KEEP_MS)); c; c = await c.continue()) await c.delete();
    await tx.done;
  }
}
