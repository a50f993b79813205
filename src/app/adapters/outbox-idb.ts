import * as z from 'zod/mini';
import { eventSchema, type FloorEvent } from '../../core/events.schema.ts';
import { outboxRecordSchema, type OutboxRecord } from '../../core/outbox/outbox-record.schema.ts';
import type { AckOutcome } from '../../core/outbox/outbox-state.ts';
import { FloorboardError } from '../../core/errors.ts';
import type { IDBPTransaction } from 'idb';
import type { Db, FloorboardDb } from './db.ts';
import { JOURNAL_KEEP_MS, type StartReads } from './db-early.ts';

/** Marks a journaled entry the service refused (a field no event has). */
export const REFUSED = 'refused';

/**
 * What runs after the first screen (acks, dismissals, quarantine, pruning) is in outbox-settle.ts,
 * loaded on first use: the first screen and a tap need only the start-up read and `appendAll`.
 */
const settling = () => import('./outbox-settle.ts');

export const SEQ_KEY = 'seq';
/**
 * Key prefix, in `meta`, of seq claims: each entry's seq is also written there with `add`, which
 * the database refuses for a key it holds. Two tabs can then never store one seq twice, even after
 * the first entry left the outbox, and a tab that knows the counter needs no read before its commit.
 */
export const CLAIM_PREFIX = 'seq-claim:';
/** Claims are pruned once older than this (`pruneClaims`): no tab trusts a counter that long (`EXPECT_MS`). */
export const CLAIM_KEEP_MS = 24 * 3600_000;
/** How long a tab trusts the counter it wrote or read last without reading it again. */
export const EXPECT_MS = 10 * 60_000;
/** A claim's key: zero-padded, so claims sort by seq (seqs are safe integers, at most 16 digits). */
export const claimKey = (seq: number): string => `${CLAIM_PREFIX}${String(seq).padStart(16, '0')}`;
/** Every claim key, and no damaged one (a key with other than digits sorts above the last). */
export const claimRange = (): IDBKeyRange => IDBKeyRange.bound(claimKey(0), `${CLAIM_PREFIX}9999999999999999`);
/** Key prefix, in `meta`, of outbox records that failed validation (kept for support, out of the queue). */
export const QUARANTINE_PREFIX = 'quarantine:';
export const seqSchema = z.number().check(z.int(), z.minimum(0));
/** `meta` key of the claims' prune mark: the counter at a time, so every claim below it is older (`pruneClaims`). */
export const CLAIM_MARK_KEY = 'seq-claim-mark';
export const claimMarkSchema = z.object({ at: z.number(), seq: seqSchema });

type AppendTx = IDBPTransaction<FloorboardDb, ('outbox' | 'journal' | 'meta')[], 'readwrite'>;

/**
 * The outbox on disk. Every entry is committed in ONE transaction (entry + the device sequence
 * counter) before the caller may show it as done; only then does memory change. The journal copy
 * is written when the acknowledgement settles the entry, in the transaction that takes it out of
 * the outbox (`commitOutcome`): the tap's transaction has one store and one write less, and every
 * own entry is always in exactly one place that the start-up read sees (see `ownEvents`).
 */
export class OutboxIdb {
  constructor(private readonly db: Db) {}

  /** The counter this tab wrote or read last, and when (wall and monotonic clock); null: read it first. */
  #expected: { seq: number; at: number; mono: number } | null = null;

  /** The counter this tab may still write at without reading it (`EXPECT_MS`), else null. */
  #expectedSeq(): number | null {
    const e = this.#expected;
    if (!e) return null;
    const [now, mono] = [Date.now(), performance.now()];
    // Either clock can say it is old: the monotonic one stops while a tablet sleeps, and the wall
    // clock can be set back. Pruned claims (`CLAIM_KEEP_MS`) are far older than any kept expectation.
    return now < e.at || now - e.at >= EXPECT_MS || mono - e.mono >= EXPECT_MS ? null : e.seq;
  }

  /**
   * Assigns the next per-device seqs, builds the events with them and commits them in one
   * transaction with consecutive seqs (one tap's entry, or a lead's correction and its why: all of
   * them are stored, or none). Resolves only after the transaction completed (durable).
   *
   * The tap waits for no read: once this tab knows the counter, the entry is written with the seq
   * it expects and the transaction is committed at once. Each seq is claimed with `add` in the same
   * transaction, so if another tab used it, the database refuses the whole transaction and the
   * entry is made again from the stored counter.
   */
  async appendAll(builds: readonly ((seq: number) => FloorEvent)[], clockOffsetMs: number | null): Promise<OutboxRecord[]> {
    if (builds.length === 0) return [];
    const expected = this.#expectedSeq();
    let mode: 'expect' | 'read' | 'rebuild' = expected === null ? 'read' : 'expect';
    /** Entries this call committed at seqs a writer that claims nothing may also have used (below). */
    let committed: OutboxRecord[] = [];
    /** The counter as that writer left it (this call's commit wrote over it): the seqs start there at least. */
    let floor: number = 0;
    for (;;) {
      // The journal is only in scope when the counter may need a rebuild (it is read, not trusted).
      const stores: ('outbox' | 'journal' | 'meta')[] = mode === 'expect' ? ['outbox', 'meta'] : ['outbox', 'journal', 'meta'];
      const tx = this.db.transaction(stores, 'readwrite', { durability: 'strict' }) as AppendTx;
      const [outbox, meta] = [tx.objectStore('outbox'), tx.objectStore('meta')];
      // A build that throws aborts the transaction before these are awaited: no unhandled rejection.
      tx.done.catch(() => undefined);
      try {
        // Expected: the stored counter is read in the same transaction, but not waited for.
        const stored: Promise<unknown> | null = mode === 'expect' ? meta.get(SEQ_KEY) : null;
        stored?.catch(() => undefined);
        const seq: number = mode === 'expect' ? expected! : Math.max(floor, await this.#nextSeq(tx, mode === 'rebuild'));
        const records = builds.map((build, i): OutboxRecord => {
          const event = eventSchema.parse(build(seq + i)) as FloorEvent;
          return { id: event.id, seq: seq + i, event, state: { kind: 'pending' }, clockOffsetMs };
        });
        const claimedAt = Date.now();
        const writes = [
          ...committed.map((record) => outbox.delete(record.id)),
          ...records.map((record) => outbox.add(record)),
          ...records.map((record) => meta.add(claimedAt, claimKey(record.seq))),
          meta.put(seq + records.length, SEQ_KEY),
        ];
        // Nothing more to ask: the disk write starts now instead of after the requests' success
        // events, which wait behind any frame the tap makes the browser draw. A refused `add` still
        // aborts the whole transaction.
        tx.commit();
        const [found]: unknown[] = await Promise.all([stored, ...writes, tx.done]);
        if (stored !== null && seqSchema.safeParse(found).success && (found as number) > seq) {
          // Stored, but the counter had moved past the expected one and no claim refused the
          // seqs: a writer that claims nothing moved it (a tab still on the app's previous
          // version). Its entries may hold these seqs, so they are made again from the counter as
          // it left it, replacing these in one transaction. (A counter behind or damaged is no such
          // writer's: the claims cover it, and this commit set it right.)
          [mode, committed, floor, this.#expected] = ['read', records, found as number, null];
          continue;
        }
        this.#expected = { seq: seq + records.length, at: Date.now(), mono: performance.now() };
        return records;
      } catch (cause) {
        this.#expected = null;
        try {
          tx.abort();
        } catch {
          // already finished or aborted
        }
        if (cause instanceof DOMException && cause.name === 'ConstraintError') {
          // A seq was taken: expected, another tab moved the counter (read it); read, the counter
          // is behind an entry or a claim (a damaged profile; rebuild it, once).
          if (mode === 'expect') {
            mode = 'read';
            continue;
          }
          if (mode === 'read') {
            mode = 'rebuild';
            continue;
          }
        }
        // Stored already: the entries stand at their first seqs rather than being called unsaved
        // (an operator would enter them again).
        if (committed.length > 0) {
          console.warn('outbox: entries kept at seqs another writer may share', cause);
          return committed;
        }
        if (cause instanceof z.core.$ZodError) throw new FloorboardError('invalid-event', 'entry is not a valid event', { cause });
        throw new FloorboardError('storage-failed', 'could not save the entry on this tablet', { cause });
      }
    }
  }

  /**
   * The next per-device seq, never one already used. The counter in `meta` is the source. If it is
   * missing or damaged (a cleared or corrupt profile) it must not restart at 0: the claims would
   * refuse every new entry, and the service would see seqs it has seen before. So it is rebuilt as
   * above the highest seq in the outbox, the claims, the claims' prune mark and the journal; the same rebuild runs when a
   * claim or the seq index refused a counter that was behind (`isRebuild`).
   */
  async #nextSeq(tx: AppendTx, isRebuild: boolean): Promise<number> {
    const counter = seqSchema.safeParse(await tx.objectStore('meta').get(SEQ_KEY));
    if (counter.success && !isRebuild) return counter.data;
    const last = await tx.objectStore('outbox').index('seq').openCursor(null, 'prev');
    const lastClaim = await tx.objectStore('meta').openKeyCursor(claimRange(), 'prev');
    const claimed = lastClaim ? Number(String(lastClaim.key).slice(CLAIM_PREFIX.length)) + 1 : 0;
    // Pruned claims were below the mark's counter (and their entries may have left the journal too).
    const mark = claimMarkSchema.safeParse(await tx.objectStore('meta').get(CLAIM_MARK_KEY));
    let next = Math.max(counter.success ? counter.data : 0, last ? z.catch(seqSchema, -1).parse(last.key) + 1 : 0, Number.isSafeInteger(claimed) ? claimed : 0, mark.success ? mark.data.seq : 0);
    for (let c = await tx.objectStore('journal').openCursor(); c; c = await c.continue()) {
      const seq = (c.value as { seq?: unknown } | null)?.seq;
      if (seqSchema.safeParse(seq).success) next = Math.max(next, (seq as number) + 1);
    }
    return next;
  }

  /**
   * All stored entries in seq order. A record that fails validation (an older or newer app version,
   * a damaged profile) is quarantined: moved, as it was, to `meta` under `quarantine:<key>` in one
   * transaction, so it neither crashes the app nor sits in the queue; `invalid` lists their keys.
   * `read`: the store as the start-up read found it (else it is read now).
   */
  async loadAll(read?: StartReads['outbox']): Promise<{ records: OutboxRecord[]; invalid: string[] }> {
    const { keys, values } = read ?? (await this.#readAll());
    const records: OutboxRecord[] = [];
    const bad: { key: string; value: unknown }[] = [];
    values.forEach((value, i) => {
      const parsed = outboxRecordSchema.safeParse(value);
      if (parsed.success && parsed.data.id === keys[i]) records.push(parsed.data as OutboxRecord);
      else bad.push({ key: String(keys[i]), value });
    });
    records.sort((a, b) => a.seq - b.seq);
    if (bad.length > 0) await (await settling()).quarantine(this.db, bad);
    return { records, invalid: bad.map((b) => b.key) };
  }

  async #readAll(): Promise<StartReads['outbox']> {
    // The whole store, not the seq index: a record whose seq is damaged is missing from the index.
    const tx = this.db.transaction('outbox', 'readonly');
    const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll(), tx.done]);
    return { keys, values };
  }

  /** Quarantined records (see `loadAll`), as they were stored. */
  async quarantined(): Promise<{ key: string; value: unknown; quarantinedAt: number }[]> {
    return (await settling()).quarantined(this.db);
  }

  /**
   * Commits what an acknowledgement changed in one transaction: each settled entry (`settled`: its
   * events, accepted or rejected) is copied to the journal, accepted ones leave the outbox, rejected
   * ones stay there, marked, until the operator dismisses them (outbox-settle.ts).
   */
  async commitOutcome(outcome: AckOutcome, settled: readonly FloorEvent[]): Promise<void> {
    if (outcome.removed.length === 0 && outcome.rejected.length === 0) return;
    return (await settling()).commitOutcome(this.db, outcome, settled);
  }

  /** Removes a rejected entry the operator has read; an entry still waiting for its ack stays. */
  async dismiss(id: string): Promise<void> {
    return (await settling()).dismiss(this.db, id);
  }

  /**
   * The device's own recent events (for the station view) from the start-up read: the journal
   * (settled entries) and the outbox (entries still waiting; `outbox` as `loadAll` returned it), each
   * event once (a profile written by an earlier version holds waiting entries in both).
   */
  static ownEvents(read: readonly unknown[], outbox: readonly OutboxRecord[], now: number): FloorEvent[] {
    const events: FloorEvent[] = [];
    const seen = new Set<string>();
    for (const v of read) {
      if (typeof v === 'object' && v !== null && REFUSED in v) continue;
      const p = eventSchema.safeParse(v);
      if (p.success && !seen.has(p.data.id)) {
        seen.add(p.data.id);
        events.push(p.data as FloorEvent);
      }
    }
    // The same window as the journal's read: an entry that waited longer is no longer "recent".
    const since = now - JOURNAL_KEEP_MS;
    for (const r of outbox) if (r.event.ts >= since && !seen.has(r.id) && r.state.kind !== 'rejected') events.push(r.event);
    return events;
  }

  /** Drops journal events older than the window, and old seq claims (run when idle, not at start-up). */
  async prune(now: number): Promise<void> {
    const settle = await settling();
    await Promise.all([settle.pruneJournal(this.db, now), settle.pruneClaims(this.db, now)]);
  }

  /** Prunes now and then hourly (a tablet runs for weeks without a reload); returns the stop. */
  keepPruned(): () => void {
    const prune = () => void this.prune(Date.now()).catch((error: unknown) => console.warn('outbox not pruned', error));
    prune();
    const timer = setInterval(prune, 3600_000);
    return () => clearInterval(timer);
  }
}
