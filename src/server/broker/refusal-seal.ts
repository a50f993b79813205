import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { eventIdSchema, rejectCodeSchema, type RejectCode } from '../../core/index.ts';

/** An ingest publish the embedded broker refused for what its events say (publisher-checks.ts). */
export interface BrokerRefusal {
  /** The publishing connection's client id (its device): the refusal is acked to it alone. */
  clientId: string;
  code: RejectCode;
  message: string;
  /** Ids of the refused batch's entries, as far as they read as ids: the device marks them refused. */
  ids: string[];
  /** The payload as published, for the dead letter. */
  payload: string;
}

/** What the sealed payload starts with: anything else is an ordinary message, not parsed here. */
const PREFIX = '{"brokerRefusal":';
const PREFIX_BYTES = Buffer.from(PREFIX);

const sealedSchema = z.object({
  brokerRefusal: z.object({
    clientId: z.string().min(1).max(256),
    code: rejectCodeSchema,
    message: z.string().max(4000),
    ids: z.array(z.string().max(64)).max(10_000),
    payload: z.string(),
    mac: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});

/**
 * Carries a refusal from the embedded broker to ingest inside the publish itself: the broker
 * replaces the refused payload with a sealed one (it has no `events`, so nothing of it can ever be
 * stored) and lets it through, so the connection stays open and ingest dead-letters it and acks
 * the entries as rejected at once. The seal (an HMAC under a key that never leaves the process)
 * keeps a client from forging a refusal that would be acked to another device.
 */
export interface RefusalSeal {
  seal(refusal: BrokerRefusal): Buffer;
  /** The refusal a payload carries, or null for any payload the broker did not seal (the usual case: one prefix compare). */
  open(payload: Buffer): BrokerRefusal | null;
}

export function createRefusalSeal(key: Buffer = randomBytes(32)): RefusalSeal {
  const macOf = (r: BrokerRefusal) => createHmac('sha256', key).update(JSON.stringify([r.clientId, r.code, r.message, r.ids, r.payload])).digest('hex');
  return {
    seal(r) {
      return Buffer.from(JSON.stringify({ brokerRefusal: { clientId: r.clientId, code: r.code, message: r.message, ids: r.ids, payload: r.payload, mac: macOf(r) } }));
    },
    open(payload) {
      if (payload.length < PREFIX_BYTES.length || !payload.subarray(0, PREFIX_BYTES.length).equals(PREFIX_BYTES)) return null;
      let json: unknown;
      try {
        json = JSON.parse(payload.toString('utf8'));
      } catch {
        return null;
      }
      const parsed = sealedSchema.safeParse(json);
      if (!parsed.success) return null;
      const { mac, ...refusal } = parsed.data.brokerRefusal;
      const expected = Buffer.from(macOf(refusal), 'hex');
      return timingSafeEqual(expected, Buffer.from(mac, 'hex')) ? refusal : null;
    },
  };
}

/** The ids of a refused payload's entries that read as event ids (none when it is not a batch). */
export function refusedIds(payload: Buffer): string[] {
  try {
    const events = (JSON.parse(payload.toString('utf8')) as { events?: unknown } | null)?.events;
    if (!Array.isArray(events)) return [];
    return events.flatMap((e) => {
      const id = (e as { id?: unknown } | null)?.id;
      return eventIdSchema.safeParse(id).success ? [id as string] : [];
    });
  } catch {
    return [];
  }
}
