import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../../src/server/andon/delivery-queue.ts';
import { WebhookDelivery } from '../../../src/server/andon/webhook-delivery.ts';
import { startReceiver, until, WEBHOOK_SECRET, WEBHOOK_SECRET_ENV } from './andon-rig.ts';

const body = JSON.stringify({ v: 1, change: 'raised', call: { id: 'c1', level: 1, kind: 'maintenance', ack: null } });
const msg = { callId: 'c1', lineId: 'line-a', change: 'raised', level: 1, body };

describe('andon webhooks against a real local receiver', () => {
  const open: { stop: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.stop();
  });
  const delivery = (maxAttempts = 5) => {
    const d = new WebhookDelivery({ now: Date.now, log: () => {}, secretOf: (n) => (n === WEBHOOK_SECRET_ENV ? WEBHOOK_SECRET : undefined), maxAttempts, timeoutMs: 300, backoffMs: 100, maxBackoffMs: 300 });
    open.push(d);
    return d;
  };
  const hook = (url: string) => [{ id: 'hook', url, secretEnv: WEBHOOK_SECRET_ENV }];

  it('retries while the receiver is down and delivers, HMAC-valid, once it is back', async () => {
    const receiver = await startReceiver();
    open.push({ stop: receiver.close });
    const url = receiver.url;
    await receiver.close();
    const d = delivery(20);
    d.send(hook(url), msg);
    await until(() => d.logOf('c1')[0]!.attempts.length, (n) => n >= 2, 5000, 'two refused tries');
    await receiver.listen();
    const [record] = await until(() => d.logOf('c1'), (l) => l[0]?.state === 'delivered', 8000, 'delivered');
    expect(record!.attempts.slice(0, -1).every((a) => a.status === null && a.error !== null)).toBe(true);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.signatureProblem).toBeNull();
  });

  it('times out a slow receiver and delivers on a later try', async () => {
    const receiver = await startReceiver((n) => (n === 1 ? 'hang' : 200));
    open.push({ stop: receiver.close });
    const d = delivery();
    d.send(hook(receiver.url), msg);
    const [record] = await until(() => d.logOf('c1'), (l) => l[0]?.state === 'delivered', 5000, 'delivered');
    expect(record!.attempts.map((a) => a.error)).toEqual(['timed out after 300 ms', null]);
    expect(record!.attempts[0]!.ms).toBeGreaterThanOrEqual(290);
  });

  it('makes no try, first or retry, while this instance does not hold the cluster lease, and makes them once it holds it again (issue 16)', async () => {
    const receiver = await startReceiver(() => 500);
    open.push({ stop: receiver.close });
    let isLeading = true;
    const attempts: string[] = [];
    // The lease is lost right after the first try, before its retry is due.
    const queue = new DeliveryQueue({ now: Date.now, log: () => {}, backoffMs: 100, maxBackoffMs: 200, onAttempt: (r) => (attempts.push(r.callId), (isLeading = false)) });
    queue.gate(() => isLeading);
    const d = new WebhookDelivery({ now: Date.now, log: () => {}, secretOf: (n) => (n === WEBHOOK_SECRET_ENV ? WEBHOOK_SECRET : undefined), timeoutMs: 300, queue });
    open.push(d);
    d.send(hook(receiver.url), msg);
    await until(() => receiver.requests, (n) => n === 1, 3000, 'the first try');
    // The retry is not made, and a new call is not sent.
    d.send(hook(receiver.url), { ...msg, callId: 'c2' });
    await new Promise((r) => setTimeout(r, 800));
    expect(receiver.requests).toBe(1);
    expect(attempts).toEqual(['c1']);
    expect(d.logOf('c2')[0]).toMatchObject({ state: 'pending', attempts: [] });
    // The lease held again (a renewal that came late): what was held back is tried then.
    isLeading = true;
    await until(() => receiver.requests, (n) => n >= 2, 4000, 'the held-back tries');
  });

  it('dead-letters after N answers of 500 and lists it among the dead', async () => {
    const receiver = await startReceiver(() => 500);
    open.push({ stop: receiver.close });
    const d = delivery(3);
    d.send(hook(receiver.url), msg);
    const [dead] = await until(() => d.list(true), (l) => l.length === 1, 5000, 'dead letter');
    expect(dead).toMatchObject({ callId: 'c1', target: 'hook', state: 'dead', nextAt: null });
    expect(dead!.attempts.map((a) => a.status)).toEqual([500, 500, 500]);
    expect(receiver.requests).toBe(3);
    expect(receiver.received.every((r) => r.signatureProblem === null)).toBe(true);
  });

  it('refuses a body changed after signing', async () => {
    const { signBody, verifySignature } = await import('../../../src/server/andon/webhook-signature.ts');
    const now = Date.now();
    const header = signBody(WEBHOOK_SECRET, body, now);
    expect(verifySignature(WEBHOOK_SECRET, body, header, now)).toBeNull();
    expect(verifySignature(WEBHOOK_SECRET, body.replace('maintenance', 'quality'), header, now)).toBe('signature does not match');
    expect(verifySignature(WEBHOOK_SECRET, body, header, now + 10 * 60_000)).toBe('signature time outside the tolerance');
  });
});
