import { randomUUID } from 'node:crypto';
import { backoffDelay } from '../../core/outbox/backoff.ts';
import type { AndonDeliveryChannel } from '../storage/storage.ts';

/** How soon a try held back by the gate (a lease not held at that moment) is looked at again. */
const GATE_RETRY_MS = 1000;

/** One try of a delivery. */
export interface DeliveryAttempt {
  at: number;
  /** HTTP status or SMTP reply code, or null when none came (refused, timed out). */
  status: number | null;
  error: string | null;
  ms: number;
}

/** One message of one call to one target on one channel, with every try: the call's delivery log. */
export interface DeliveryRecord {
  id: string;
  callId: string;
  lineId: string;
  channel: AndonDeliveryChannel;
  /** A webhook's id, the mail's recipients, or the MQTT topic. */
  target: string;
  /** What happened to the call: raised, escalated, acknowledged, resolved. */
  change: string;
  /** `interrupted`: a try failed and the service stopped before the next one (read from the stored log after a restart). */
  state: 'pending' | 'delivered' | 'dead' | 'interrupted';
  attempts: DeliveryAttempt[];
  /** When the next try is due; null once delivered or dead. */
  nextAt: number | null;
}

export type DeliveryMessage = Pick<DeliveryRecord, 'callId' | 'lineId' | 'channel' | 'target' | 'change'>;

/** One try on the wire: what came back, or why nothing did. */
export type TryOnce = (startedAt: number) => Promise<{ status: number | null; error: string | null }>;

export interface QueueOptions {
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** Tries in all before a delivery is dead-lettered. */
  maxAttempts?: number;
  /** First retry's ceiling; grows twice per try up to `maxBackoffMs` (full jitter). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Records kept in memory (oldest finished ones dropped first); the stored log keeps them all. */
  keep?: number;
  /** Told after every try (the service stores it in the delivery log). */
  onAttempt?: (record: DeliveryRecord, attempt: DeliveryAttempt) => void;
}

/**
 * Deliveries of andon calls on any channel: each tried at once, retried with exponential backoff
 * and jitter, dead-lettered after `maxAttempts`. Every try is reported to `onAttempt` and kept on
 * its record; pending retries live in memory only (a restart logs them as they stood).
 */
export class DeliveryQueue {
  readonly #o: Required<Omit<QueueOptions, 'onAttempt'>> & QueueOptions;
  readonly #records: DeliveryRecord[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inFlight = new Set<Promise<void>>();
  #isStopped = false;
  #mayTry: () => boolean = () => true;

  constructor(options: QueueOptions) {
    this.#o = { maxAttempts: 5, backoffMs: 1000, maxBackoffMs: 5 * 60_000, keep: 10_000, ...options };
  }

  send(msg: DeliveryMessage, tryOnce: TryOnce): DeliveryRecord {
    return this.resume({ id: randomUUID(), ...msg, attempts: [] }, tryOnce);
  }

  /** Goes on with a delivery a restart cut (its tries so far from the stored log): tried at once, counted on. */
  resume(from: DeliveryMessage & Pick<DeliveryRecord, 'id' | 'attempts'>, tryOnce: TryOnce): DeliveryRecord {
    const record: DeliveryRecord = { ...from, attempts: [...from.attempts], state: 'pending', nextAt: this.#o.now() };
    this.#records.push(record);
    this.#trim();
    this.#try(record, tryOnce);
    return record;
  }

  /** The delivery log of one call held in memory, oldest first. */
  logOf(callId: string): DeliveryRecord[] {
    return this.#records.filter((r) => r.callId === callId);
  }

  /** A record held in memory, by id (a pending one's next try). */
  get(id: string): DeliveryRecord | undefined {
    return this.#records.find((r) => r.id === id);
  }

  /** Every record held (newest first), or only the dead-lettered ones. */
  list(onlyDead = false): DeliveryRecord[] {
    return this.#records.filter((r) => !onlyDead || r.state === 'dead').reverse();
  }

  /**
   * Tries only while `mayTry` says so (a cluster leader's lease). A try it holds back is neither
   * made nor logged, and is looked at again after GATE_RETRY_MS: made if the lease is held again,
   * else the instance stops and the next leader delivers what has no try in the log.
   */
  gate(mayTry: () => boolean): void {
    this.#mayTry = mayTry;
  }

  /** Stops retrying; waits for tries under way. */
  async stop(): Promise<void> {
    this.#isStopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await Promise.allSettled([...this.#inFlight]);
  }

  #try(record: DeliveryRecord, tryOnce: TryOnce): void {
    if (this.#isStopped) return;
    if (!this.#mayTry()) {
      // Looked at again in a moment: a lease whose renewal came late is held again, and a lost
      // one stops the instance (its stop clears the timer; the next leader delivers the change).
      this.#o.log('andon delivery held back: this instance does not hold the lease now', { channel: record.channel, target: record.target, callId: record.callId, change: record.change });
      this.#tryLater(record, tryOnce, GATE_RETRY_MS);
      return;
    }
    const run = this.#attempt(record, tryOnce).finally(() => this.#inFlight.delete(run));
    this.#inFlight.add(run);
  }

  /** The next try in `ms` (cleared by `stop`). */
  #tryLater(record: DeliveryRecord, tryOnce: TryOnce, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#try(record, tryOnce);
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  async #attempt(record: DeliveryRecord, tryOnce: TryOnce): Promise<void> {
    const started = this.#o.now();
    let result: { status: number | null; error: string | null };
    try {
      result = await tryOnce(started);
    } catch (e) {
      result = { status: null, error: (e as Error).message };
    }
    const attempt: DeliveryAttempt = { at: started, status: result.status, error: result.error, ms: this.#o.now() - started };
    record.attempts.push(attempt);
    if (result.error === null) {
      record.state = 'delivered';
      record.nextAt = null;
    } else if (record.attempts.length >= this.#o.maxAttempts) {
      record.state = 'dead';
      record.nextAt = null;
      this.#o.log('andon delivery dead-lettered', { channel: record.channel, target: record.target, callId: record.callId, change: record.change, attempts: record.attempts.length, error: result.error });
    } else {
      const wait = backoffDelay(record.attempts.length - 1, Math.random, { baseMs: this.#o.backoffMs, maxMs: this.#o.maxBackoffMs });
      record.nextAt = this.#o.now() + wait;
      this.#tryLater(record, tryOnce, wait);
    }
    this.#o.onAttempt?.(record, attempt);
  }

  #trim(): void {
    while (this.#records.length > this.#o.keep) {
      const i = this.#records.findIndex((r) => r.state !== 'pending');
      this.#records.splice(i < 0 ? 0 : i, 1);
    }
  }
}
