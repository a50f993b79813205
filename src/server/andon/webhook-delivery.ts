import type { AndonWebhook } from '../../core/andon/rules.schema.ts';
import { DeliveryQueue, type DeliveryMessage, type DeliveryRecord, type QueueOptions } from './delivery-queue.ts';
import { SIGNATURE_HEADER, signBody } from './webhook-signature.ts';

export type { DeliveryAttempt, DeliveryRecord } from './delivery-queue.ts';

export interface DeliveryOptions extends QueueOptions {
  /** The secret named by a webhook's `secretEnv`. */
  secretOf: (name: string) => string | undefined;
  timeoutMs?: number;
  /** The queue to share with the other channels (one delivery log); its own otherwise. */
  queue?: DeliveryQueue;
}

/**
 * Webhook deliveries of andon calls: each POST signed with HMAC-SHA256 (`x-floorboard-signature`),
 * cut off after a timeout, retried and dead-lettered by the delivery queue.
 */
export class WebhookDelivery {
  readonly #queue: DeliveryQueue;
  readonly #secretOf: DeliveryOptions['secretOf'];
  readonly #timeoutMs: number;

  constructor(options: DeliveryOptions) {
    this.#queue = options.queue ?? new DeliveryQueue(options);
    this.#secretOf = options.secretOf;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Queues `body` for each receiver whose levels include `level`. */
  send(hooks: readonly AndonWebhook[], msg: { callId: string; lineId: string; change: string; level: number; body: string }): void {
    for (const hook of hooks) {
      if (hook.levels && !hook.levels.includes(msg.level)) continue;
      this.#queue.send({ callId: msg.callId, lineId: msg.lineId, channel: 'webhook', target: hook.id, change: msg.change }, (at) => this.#post(hook, msg.body, at));
    }
  }

  /** Goes on with a delivery a restart cut, to the webhook its target names; false when the plant no longer has it. */
  resume(from: DeliveryMessage & Pick<DeliveryRecord, 'id' | 'attempts'>, hooks: readonly AndonWebhook[], body: string): boolean {
    const hook = hooks.find((h) => h.id === from.target);
    if (!hook) return false;
    this.#queue.resume(from, (at) => this.#post(hook, body, at));
    return true;
  }

  logOf(callId: string) {
    return this.#queue.logOf(callId);
  }

  list(onlyDead = false) {
    return this.#queue.list(onlyDead);
  }

  stop(): Promise<void> {
    return this.#queue.stop();
  }

  async #post(hook: AndonWebhook, body: string, at: number): Promise<{ status: number | null; error: string | null }> {
    const secret = this.#secretOf(hook.secretEnv);
    if (!secret) return { status: null, error: `no secret in ${hook.secretEnv}` };
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(secret, body, at) },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      await res.body?.cancel();
      return { status: res.status, error: res.ok ? null : `HTTP ${res.status}` };
    } catch (e) {
      const err = e as Error;
      return { status: null, error: err.name === 'TimeoutError' ? `timed out after ${this.#timeoutMs} ms` : ((err.cause as Error | undefined)?.message ?? err.message) };
    }
  }
}
