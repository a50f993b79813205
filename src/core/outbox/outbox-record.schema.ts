import * as z from 'zod/mini';
import { eventSchema, rejectCodeSchema } from '../events.schema.ts';

/**
 * An outbox entry as stored on the device (IndexedDB). `sent` is never stored: after a reload
 * every unacknowledged entry is pending and is sent again (the service dedupes by event id).
 */
export const outboxRecordSchema = z.object({
  id: z.string().check(z.minLength(1)),
  seq: z.number().check(z.int(), z.minimum(0)),
  event: eventSchema,
  state: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('pending') }),
    z.object({ kind: z.literal('rejected'), code: rejectCodeSchema, message: z.string() }),
  ]),
  /** Measured device clock offset (service minus device, ms) when the entry was made. */
  clockOffsetMs: z.nullable(z.number().check(z.int())),
});
export type OutboxRecord = z.infer<typeof outboxRecordSchema>;
