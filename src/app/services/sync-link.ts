import { ackSchema, type Ack, type FloorEvent } from '../../core/events.schema.ts';
import type { AckOutcome, OutboxState } from '../../core/outbox/outbox-state.ts';
import { backoffDelay } from '../../core/outbox/backoff.ts';
import type { BrokerLink } from '../adapters/mqtt-link.ts';
import type { SyncMode } from '../domain/sync-mode.ts';
import type { SyncEngineDeps } from './sync-engine.ts';
import { DeviceReporter } from './device-reporter.ts';

const BATCH_MAX = 100;
/** Batches in flight at once: enough to keep the pipe full, small enough to bound duplicates on a drop. */
const WINDOW = 8;
const ACK_TIMEOUT_MS = 15_000;
/**
 * Acks are committed (one IndexedDB transaction for all that arrived) once no entry was made for
 * this long, or at the latest ACK_HOLD_MAX_MS after the first: an ack's transaction on the outbox
 * store would otherwise hold up the operator's next tap, whose transaction needs the same store.
 */
const ACK_QUIET_MS = 250;
const ACK_HOLD_MAX_MS = 1000;
/**
 * The embedded broker acks an entry it refuses for its content as rejected (refusal-seal.ts), but a
 * publish on a topic the device may not use, or any refusal by an external broker's ACL, still
 * closes the connection (Aedes; ADR 0001) or is dropped, so such a refusal looks
 * like a drop right after the batch went out. When the same batch is the first one out on this many
 * connections in a row, and none of them brought an ack, the batch is marked refused here: it
 * stays visible to its author and no longer blocks or loops (issue 10: a refused entry retried
 * several times a second).
 */
export const REFUSED_AFTER_DROPS = 3;

/** What the link shares with its engine (sync-engine.ts): the entries in memory and the status it shows. */
export interface EngineSide {
  readonly deps: SyncEngineDeps;
  readonly box: OutboxState;
  setMode(mode: SyncMode): void;
  /** An ack was committed: the time of this sync. */
  synced(at: number): void;
  /** When the operator last made an entry (acks wait for a quiet moment, see ACK_QUIET_MS). */
  lastRecordAt(): number;
  emit(): void;
}

/**
 * The sync engine's network half: connects with backoff and jitter, publishes batches, applies
 * application acks (storage first, memory second). Loaded by `SyncEngine.start`, after the first
 * screen: nothing of it runs before the first connect.
 */
export class SyncLink {
  #link: BrokerLink | null = null;
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #expireTimer: ReturnType<typeof setInterval> | null = null;
  #ackChain: Promise<void> = Promise.resolve();
  #batchNo = 0;
  #isStopped = false;
  #isConnecting = false;
  /** Acks received and not committed yet (see ACK_QUIET_MS), oldest first. */
  #heldAcks: Ack[] = [];
  #heldSince = 0;
  #ackTimer: ReturnType<typeof setTimeout> | null = null;
  #isCommitQueued = false;
  /** The first batch published on the current connection, and whether any ack came on it. */
  #firstOut: FloorEvent[] | null = null;
  #hasAckOnLink = false;
  /** The first entry of the batch that went out first on the last connections that dropped without an ack, and how often. */
  #suspect: { id: string; drops: number } | null = null;
  private readonly deps: SyncEngineDeps;
  readonly #box: OutboxState;

  readonly #reporter: DeviceReporter | null;

  constructor(private readonly engine: EngineSide) {
    this.deps = engine.deps;
    this.#box = engine.box;
    const report = this.deps.report;
    this.#reporter = report ? new DeviceReporter({ ...report, deviceId: this.deps.clientId, counts: () => this.#counts(), now: () => this.deps.now() }) : null;
  }

  #counts(): { waiting: number; rejected: number } {
    let rejected = 0;
    for (const e of this.#box.entries()) if (e.state.kind === 'rejected') rejected++;
    return { waiting: this.#box.size - rejected, rejected };
  }

  /** Starts syncing (and keeps retrying) until `stop`. */
  start(): void {
    this.#isStopped = false;
    this.#expireTimer ??= setInterval(() => {
      if (this.#box.expire(this.deps.now(), ACK_TIMEOUT_MS) > 0) this.#pump();
    }, 5000);
    void this.#connect();
  }

  /** Try now (network came back, or an operator signed in): resets the backoff. */
  kick(): void {
    this.#attempt = 0;
    if (this.#link || this.#isConnecting) return;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    void this.#connect();
  }

  stop(): void {
    this.#isStopped = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#expireTimer) clearInterval(this.#expireTimer);
    this.#expireTimer = null;
    this.#link?.end();
    this.#link = null;
    this.#reporter?.stop();
    this.#box.connectionLost();
  }

  #isPumpQueued = false;
  /**
   * After an entry is committed: publish in a later task, so the caller shows the entry first (the
   * operator sees the tap done without waiting for mqtt.js to encode and write the batch).
   */
  pumpSoon(): void {
    if (this.#isPumpQueued) return;
    this.#isPumpQueued = true;
    setTimeout(() => {
      this.#isPumpQueued = false;
      this.#pump();
    }, 0);
  }

  async #connect(): Promise<void> {
    if (this.#isStopped || this.#link || this.#isConnecting) return;
    this.#isConnecting = true;
    try {
      const auth = await this.deps.credentials();
      if (!auth) return this.#setMode('needs-sign-in');
      this.#setMode('connecting');
      const link = await this.deps.open(this.deps.url, { ...auth, clientId: this.deps.clientId }, this.deps.ackTopic, {
        onMessage: (topic, payload) => {
          if (topic === this.deps.ackTopic) this.#onAck(payload);
          else this.deps.live?.onMessage(topic, payload);
        },
        onClose: () => this.#lost(),
        onRefused: (filters) => this.deps.live?.onRefused?.(filters),
      }, 8000, this.deps.live?.topics() ?? []);
      if (this.#isStopped) return link.end();
      this.#link = link;
      [this.#firstOut, this.#hasAckOnLink] = [null, false];
      // After drops that look like refusals, only an ack proves progress: keep backing off till then.
      if (this.#suspect === null) this.#attempt = 0;
      this.#setMode('online');
      this.#reporter?.connected(link);
      this.#pump();
    } catch (error) {
      // A CONNACK refusing the credentials (MQTT 3.1.1 codes 4 and 5): the token expired, or the device was revoked.
      if ([4, 5].includes((error as { code?: unknown }).code as number)) this.deps.onAuthRefused?.();
      this.#setMode('offline');
      this.#scheduleRetry();
    } finally {
      this.#isConnecting = false;
    }
  }

  #lost(): void {
    this.#link = null;
    this.#reporter?.lost();
    const first = this.#firstOut;
    this.#box.connectionLost();
    this.#setMode('offline');
    if (first && first.length > 0 && !this.#hasAckOnLink) {
      const id = first[0]!.id;
      const drops = this.#suspect?.id === id ? this.#suspect.drops + 1 : 1;
      this.#suspect = { id, drops };
      if (drops >= REFUSED_AFTER_DROPS) return void this.#refuse(first).finally(() => this.#scheduleRetry());
    }
    this.#scheduleRetry();
  }

  /** Marks a batch the broker keeps refusing as rejected (storage first, then memory). */
  async #refuse(events: readonly FloorEvent[]): Promise<void> {
    const message = 'the plant service refused this entry: the connection was closed each time it was sent';
    const outcome = this.#box.outcomeOf({ accepted: [], rejected: events.map((e, index) => ({ index, id: e.id, code: 'not-allowed' as const, message })) });
    try {
      await this.deps.store.commitOutcome(outcome, events);
    } catch (error) {
      return console.error('refusal not stored', error);
    }
    this.#box.apply(outcome);
    this.#suspect = null;
    this.deps.onRejected?.(outcome.rejected.map((r) => r.id));
    this.#emit();
  }

  #scheduleRetry(): void {
    if (this.#isStopped || this.#retryTimer) return;
    const delay = backoffDelay(this.#attempt++, this.deps.random);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#connect();
    }, delay);
  }

  #pump(): void {
    const link = this.#link;
    if (!link) return;
    while (this.#box.inflightBatches < WINDOW) {
      const batch = this.#box.takeBatch(`${this.deps.clientId}-${this.#batchNo++}`, this.deps.now(), BATCH_MAX);
      if (!batch) break;
      const topic = this.deps.topicFor(batch.stationKey);
      // An unknown station cannot be published anywhere: it stays pending (and visible) until the plant knows it.
      if (!topic) continue;
      this.#firstOut ??= batch.events;
      link.publish(topic, JSON.stringify({ events: batch.events })).catch(() => {
        if (this.#link === link) {
          link.end();
          this.#lost();
        }
      });
    }
    this.#emit();
  }

  #onAck(payload: string): void {
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      return;
    }
    const parsed = ackSchema.safeParse(json);
    if (!parsed.success || parsed.data.deviceId !== this.deps.clientId) return;
    [this.#hasAckOnLink, this.#suspect, this.#attempt] = [true, null, 0];
    if (this.#heldAcks.length === 0) this.#heldSince = this.deps.now();
    this.#heldAcks.push(parsed.data);
    this.#scheduleAckCommit();
  }

  #scheduleAckCommit(): void {
    if (this.#ackTimer || this.#heldAcks.length === 0) return;
    const now = this.deps.now();
    const due = Math.min(this.engine.lastRecordAt() + ACK_QUIET_MS, this.#heldSince + ACK_HOLD_MAX_MS);
    if (due > now) {
      this.#ackTimer = setTimeout(() => {
        this.#ackTimer = null;
        this.#scheduleAckCommit();
      }, due - now);
      return;
    }
    // Commits run one at a time, in order; one queued commit takes every ack that arrived by the
    // time it runs. A failed commit leaves the entries sent; they expire, go out again and are
    // acknowledged again (the service dedupes), so never stall the chain.
    if (this.#isCommitQueued) return;
    this.#isCommitQueued = true;
    this.#ackChain = this.#ackChain
      .then(() => {
        this.#isCommitQueued = false;
        const acks = this.#heldAcks;
        this.#heldAcks = [];
        return this.#commitAcks(acks);
      })
      .catch((error: unknown) => console.error('ack not applied', error));
  }

  /** Storage first, memory second: what the acks settled is committed in one transaction, then applied. */
  async #commitAcks(acks: readonly Ack[]): Promise<void> {
    if (acks.length === 0) return;
    const outcome = mergeOutcomes(acks.map((ack) => this.#box.outcomeOf(ack)));
    const settled = [...outcome.removed, ...outcome.rejected.map((r) => r.id)].flatMap((id) => this.#box.get(id)?.event ?? []);
    await this.deps.store.commitOutcome(outcome, settled);
    this.#box.apply(outcome);
    if (settled.length > 0) this.deps.onAcked?.(settled);
    if (outcome.rejected.length > 0) this.deps.onRejected?.(outcome.rejected.map((r) => r.id));
    this.engine.synced(this.deps.now());
    this.#emit();
    this.#pump();
  }

  #setMode(mode: SyncMode): void {
    this.engine.setMode(mode);
  }

  #emit(): void {
    this.#reporter?.changed(this.#box.size);
    this.engine.emit();
  }
}

/** One outcome for several acks: an entry one ack accepted is removed even if another rejected it. */
function mergeOutcomes(outcomes: readonly AckOutcome[]): AckOutcome {
  const removed = new Set(outcomes.flatMap((o) => o.removed));
  const rejected = new Map<string, AckOutcome['rejected'][number]>();
  for (const o of outcomes) for (const r of o.rejected) if (!removed.has(r.id) && !rejected.has(r.id)) rejected.set(r.id, r);
  return { removed: [...removed], rejected: [...rejected.values()] };
}
