import type { FloorEvent } from '../../core/events.schema.ts';
import { outboxRecordSchema } from '../../core/outbox/outbox-record.schema.ts';
import type { AckOutcome } from '../../core/outbox/outbox-state.ts';
import type { Db } from './db.ts';
import { JOURNAL_KEEP_MS } from './db-early.ts';
import { CLAIM_KEEP_MS, CLAIM_MARK_KEY, QUARANTINE_PREFIX, REFUSED, SEQ_KEY, claimKey, claimMarkSchema, seqSchema } from './outbox-idb.ts';

// The outbox's writes after the first screen (`OutboxIdb` loads this module on first use).

/** Moves records that failed validation, as they were, to `meta` under `quarantine:<key>`, in one transaction. */
export async function quarantine(db: Db, bad: readonly { key: string; value: unknown }[]): Promise<void> {
  const tx = db.transaction(['outbox', 'meta'], 'readwrite');
  await Promise.all([
    ...bad.flatMap(({ key, value }) => [
      tx.objectStore('meta').put({ key, value, quarantinedAt: Date.now() }, `${QUARANTINE_PREFIX}${key}`),
      tx.objectStore('outbox').delete(key),
    ]),
    tx.done,
  ]);
}

/** Quarantined records, as they were stored. */
export async function quarantined(db: Db): Promise<{ key: string; value: unknown; quarantinedAt: number }[]> {
  const range = IDBKeyRange.bound(QUARANTINE_PREFIX, `${QUARANTINE_PREFIX}\uffff`);
  return (await db.getAll('meta', range)) as { key: string; value: unknown; quarantinedAt: number }[];
}

/** See `OutboxIdb.commitOutcome`. */
export async function commitOutcome(db: Db, outcome: AckOutcome, settled: readonly FloorEvent[]): Promise<void> {
  // Relaxed: an acknowledgement lost with the power leaves its entry in the outbox; it is sent again
  // and the service, which dedupes, acknowledges it again. Nothing is lost or counted twice.
  const tx = db.transaction(['outbox', 'journal'], 'readwrite', { durability: 'relaxed' });
  const store = tx.objectStore('outbox');
  const journal = tx.objectStore('journal');
  // A refused entry is journaled too (its seq must never be reused), marked, so that no total
  // the tablet shows counts it after a reload.
  const refused = new Set(outcome.rejected.map((r) => r.id));
  const work: Promise<unknown>[] = settled.map((event) => journal.put(refused.has(event.id) ? { ...event, [REFUSED]: true } : event));
  for (const id of outcome.removed) work.push(store.delete(id));
  for (const r of outcome.rejected) {
    work.push(
      store.get(r.id).then((value) => {
        const parsed = outboxRecordSchema.safeParse(value);
        if (parsed.success) return store.put({ ...parsed.data, state: { kind: 'rejected', code: r.code, message: r.message } });
      }),
    );
  }
  // With every request made, the commit starts now rather than once the main thread has taken each
  // request's success event: an operator's tap, whose transaction needs the outbox too, waits less.
  if (outcome.rejected.length === 0) tx.commit();
  await Promise.all([...work, tx.done]);
}

/** Removes a rejected entry the operator has read; an entry still waiting for its ack stays. */
export async function dismiss(db: Db, id: string): Promise<void> {
  const tx = db.transaction('outbox', 'readwrite');
  const parsed = outboxRecordSchema.safeParse(await tx.store.get(id));
  if (parsed.success && parsed.data.state.kind === 'rejected') await tx.store.delete(id);
  await tx.done;
}

/** Drops journal events older than the window (run when idle, not at start-up). */
export async function pruneJournal(db: Db, now: number): Promise<void> {
  const tx = db.transaction('journal', 'readwrite');
  const index = tx.store.index('ts');
  for (let c = await index.openCursor(IDBKeyRange.upperBound(now - JOURNAL_KEEP_MS)); c; c = await c.continue()) await c.delete();
  await tx.done;
}


/**
 * Drops the seq claims made more than `CLAIM_KEEP_MS` ago, in one request: those below the counter
 * as it stood at a mark at least that old. A tap's transaction shares `meta` with this one, so it
 * must stay short whatever the number of claims. A mark ahead of `now` (the clock was set back)
 * is set again and nothing is dropped: claims then live longer, never shorter.
 */
export async function pruneClaims(db: Db, now: number): Promise<void> {
  const tx = db.transaction('meta', 'readwrite');
  const [mark, counter] = await Promise.all([tx.store.get(CLAIM_MARK_KEY), tx.store.get(SEQ_KEY)]);
  const m = claimMarkSchema.safeParse(mark);
  const isDue = m.success && m.data.at <= now && now - m.data.at >= CLAIM_KEEP_MS;
  const seq = seqSchema.safeParse(counter);
  await Promise.all([
    isDue ? tx.store.delete(IDBKeyRange.bound(claimKey(0), claimKey(m.data.seq), false, true)) : null,
    (!m.success || isDue || m.data.at > now) && seq.success ? tx.store.put({ at: now, seq: seq.data }, CLAIM_MARK_KEY) : null,
    tx.done,
  ]);
}
