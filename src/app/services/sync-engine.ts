import type { FloorEvent, RejectCode } from '../../core/events.schema.ts';
import { OutboxState } from '../../core/outbox/outbox-state.ts';
import type { OutboxRecord } from '../../core/outbox/outbox-record.schema.ts';
import type { OutboxIdb } from '../adapters/outbox-idb.ts';
import type { OpenLink } from '../adapters/mqtt-link.ts';
import type { SyncMode } from '../domain/sync-mode.ts';
import type { SyncLink } from './sync-link.ts';

export type { SyncMode } from '../domain/sync-mode.ts';

export interface RejectedEntry {
  id: string;
  type: FloorEvent['type'];
  ts: number;
  /** Who made the entry: only they are shown its refusal. */
  author: string;
  code: RejectCode;
  message: string;
}

export interface SyncStatus {
  mode: SyncMode;
  waiting: number;
  oldestTs: number | null;
  lastSyncAt: number | null;
  rejected: RejectedEntry[];
}

/** What the engine needs from storage (the IndexedDB adapter in the app). */
export type OutboxStore = Pick<OutboxIdb, 'appendAll' | 'loadAll' | 'commitOutcome' | 'dismiss'>;

export interface SyncEngineDeps {
  store: OutboxStore;
  url: string;
  clientId: string;
  /** The device's own acknowledgement topic; null for a link that never sends (a manager's board). */
  ackTopic: string | null;
  /** Which entries share a batch (default: one station, `line/station`); `topicFor` is given this key. */
  routeOf?(event: FloorEvent): string;
  /** Topic for a batch's key (see `routeOf`), or null if the plant does not know it. */
  topicFor(key: string): string | null;
  credentials(): Promise<{ username: string; password: string } | null>;
  open: OpenLink;
  /** Live topics to follow besides the acks (retained line status and OEE), and their handler. */
  live?: { topics: () => readonly string[]; onMessage(topic: string, payload: string): void; onRefused?(filters: readonly string[]): void };
  /** Called after an ack is applied, with the events it settled (accepted or rejected). */
  onAcked?(events: readonly FloorEvent[]): void;
  /** Called after entries were refused (by the service's ack, or by the broker, see REFUSED_AFTER_DROPS in sync-link.ts). */
  onRejected?(ids: readonly string[]): void;
  now(): number;
  random(): number;
  onStatus(status: SyncStatus): void;
  /** The tablet's report for the admins' device list (services/device-reporter.ts); none for a dashboard. */
  report?: { topic: string; appVersion: string; stationId: string | undefined };
  /** The broker refused the credentials at CONNECT (an expired token, or a revoked device: the caller asks the service which). */
  onAuthRefused?(): void;
}

/**
 * Drives the outbox: commits entries, publishes batches, applies application acks (storage first,
 * memory second) and reconnects with exponential backoff and jitter. Entry never waits for the network.
 *
 * This is the half the first screen and a tap need (the entries in memory, recording, the status);
 * the network half (`SyncLink`, sync-link.ts) is loaded by `start`, after the first screen.
 */
export class SyncEngine {
  readonly #box: OutboxState;
  #mode: SyncMode = 'offline';
  #lastSyncAt: number | null = null;
  #lastRecordAt = -Infinity;
  #link: SyncLink | null = null;
  #linkLoad: Promise<SyncLink> | null = null;
  #isStarted = false;

  constructor(private readonly deps: SyncEngineDeps) {
    this.#box = new OutboxState(deps.routeOf);
  }

  /**
   * Loads the stored outbox into memory (`read`: as the start-up read found it) and returns its
   * valid records, rejected ones included. Call before `record` or `start`; again to take in what
   * another tab committed to the shared store (records already in memory are kept as they are).
   */
  async load(read?: Parameters<OutboxStore['loadAll']>[0]): Promise<OutboxRecord[]> {
    const { records, invalid } = await this.deps.store.loadAll(read);
    // Damaged records were moved aside by the store (quarantined), so they cannot block the queue.
    if (invalid.length > 0) console.warn(`outbox: ${invalid.length} damaged record(s) quarantined`, invalid);
    for (const r of records) this.#box.add(r.event, r.state);
    this.#emit();
    // Read again while linked (another tab committed entries): send them now.
    this.#link?.pumpSoon();
    return records;
  }

  /** Commits one entry durably, then shows it (and sends it when connected). */
  async record(build: (seq: number) => FloorEvent, clockOffsetMs: number | null): Promise<OutboxRecord> {
    return (await this.recordAll([build], clockOffsetMs))[0]!;
  }

  /** Commits entries that belong together in one transaction (all or none), then shows and sends them. */
  async recordAll(builds: readonly ((seq: number) => FloorEvent)[], clockOffsetMs: number | null): Promise<OutboxRecord[]> {
    this.#lastRecordAt = this.deps.now();
    const records = await this.deps.store.appendAll(builds, clockOffsetMs);
    for (const r of records) this.#box.add(r.event);
    this.#emit();
    this.#link?.pumpSoon();
    return records;
  }

  /** True between `start` and `stop`: this tab's link sends what the outbox holds. */
  get isStarted(): boolean {
    return this.#isStarted;
  }

  /** Starts syncing (and keeps retrying) until `stop`; the network half is loaded first. */
  start(): void {
    this.#isStarted = true;
    this.#linked().then(
      (link) => {
        if (this.#isStarted) link.start();
      },
      (error: unknown) => {
        // Its chunk could not be read (it is precached, so this is rare): try again later.
        console.error('sync link not loaded', error);
        setTimeout(() => {
          if (this.#isStarted) this.start();
        }, 5000);
      },
    );
  }

  /** Try now (network came back, or an operator signed in): resets the backoff. */
  kick(): void {
    if (this.#isStarted) this.#link?.kick();
  }

  stop(): void {
    this.#isStarted = false;
    this.#link?.stop();
    this.#box.connectionLost();
  }

  /** The operator read a rejected entry's reason and removes it. */
  async dismiss(id: string): Promise<void> {
    await this.deps.store.dismiss(id);
    this.#box.dismiss(id);
    this.#emit();
  }

  status(): SyncStatus {
    const rejected: RejectedEntry[] = [];
    for (const e of this.#box.entries())
      if (e.state.kind === 'rejected') rejected.push({ id: e.event.id, type: e.event.type, ts: e.event.ts, author: e.event.author, code: e.state.code, message: e.state.message });
    const waiting = this.#box.size - rejected.length;
    const mode = this.#mode === 'online' && waiting > 0 ? 'syncing' : this.#mode;
    return { mode, waiting, oldestTs: this.#box.oldestWaitingTs(), lastSyncAt: this.#lastSyncAt, rejected };
  }

  /** Entries not acknowledged yet (pending or sent), in seq order; rejected ones are left out. */
  waiting(): FloorEvent[] {
    return this.#box.entries().flatMap((e) => (e.state.kind === 'rejected' ? [] : [e.event]));
  }

  /** The network half, loaded once (again after a failed load). */
  #linked(): Promise<SyncLink> {
    this.#linkLoad ??= import('./sync-link.ts').then(
      ({ SyncLink }) =>
        (this.#link = new SyncLink({
          deps: this.deps,
          box: this.#box,
          setMode: (mode) => {
            this.#mode = mode;
            this.#emit();
          },
          synced: (at) => (this.#lastSyncAt = at),
          lastRecordAt: () => this.#lastRecordAt,
          emit: () => this.#emit(),
        })),
      (error: unknown) => {
        this.#linkLoad = null;
        throw error;
      },
    );
    return this.#linkLoad;
  }

  #isEmitQueued = false;
  /** Coalesces status updates: one per task, however many entries changed. */
  #emit(): void {
    if (this.#isEmitQueued) return;
    this.#isEmitQueued = true;
    queueMicrotask(() => {
      this.#isEmitQueued = false;
      this.deps.onStatus(this.status());
    });
  }
}
