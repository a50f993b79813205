import { topics, type Ack } from '../../core/index.ts';
import { clip, MAX_REASON_CHARS } from './dead-letters.ts';
import type { Outgoing, Pending } from './ingest-group.ts';
import type { RejectedEntry } from './parse-message.ts';

export function ackMessage(site: string, deviceId: string, accepted: string[], rejected: Pick<RejectedEntry, 'index' | 'id' | 'code' | 'message'>[], committedAt: number): Outgoing {
  const ack: Ack = {
    deviceId,
    accepted,
    rejected: rejected.map((r) => ({ index: r.index, code: r.code, message: clip(r.message, MAX_REASON_CHARS), ...(r.id ? { id: r.id } : {}) })),
    committedAt,
  };
  return { topic: topics.ack(site, deviceId), payload: JSON.stringify(ack) };
}

/**
 * Adds the group's acks to each message's results. Messages with nothing refused get one ack per
 * device for the whole group, sent with the device's last such message: a burst (a tablet draining
 * its outbox, a busy gateway) costs one ack, not one per message. A message with a refusal keeps
 * its own ack, whose rejected entries give indexes within that message.
 */
export function addGroupAcks(pending: readonly (Pending | null)[], results: Outgoing[][], site: string, committedAt: number): void {
  const clean = new Map<string, { last: number; accepted: string[] }>();
  for (let m = 0; m < pending.length; m++) {
    const p = pending[m];
    if (!p) continue;
    if (p.rejected.length === 0) {
      for (const r of p.records) {
        const device = r.event.deviceId;
        const c = clean.get(device) ?? clean.set(device, { last: m, accepted: [] }).get(device)!;
        c.last = m;
        c.accepted.push(r.event.id);
      }
      continue;
    }
    const out = results[m]!;
    // One ack per device; entries too broken to name a device go to the message's first device.
    const byDevice = new Map<string, { accepted: string[]; rejected: RejectedEntry[] }>();
    const slot = (d: string) => byDevice.get(d) ?? byDevice.set(d, { accepted: [], rejected: [] }).get(d)!;
    for (const r of p.records) slot(r.event.deviceId).accepted.push(r.event.id);
    for (const r of p.rejected) {
      const device = r.deviceId ?? p.fallback;
      if (device) slot(device).rejected.push(r);
    }
    for (const [deviceId, entries] of byDevice) out.push(ackMessage(site, deviceId, entries.accepted, entries.rejected, committedAt));
  }
  for (const [deviceId, c] of clean) results[c.last]!.push(ackMessage(site, deviceId, c.accepted, [], committedAt));
}
