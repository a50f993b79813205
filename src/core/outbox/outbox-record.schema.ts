import { z } from 'zod';
import { eventSchema, rejectCodeSchema } from '../events.schema.ts';

/**
 * An outbox entry as stored on the device (IndexedDB). `sent` is never stored: after a reload
 * every unacknowledged entry is pending and is sent again (the service dedupes by event id).
 */
export const outboxRecordSchema = z.object({
  id: z.string().min(1),
  seq: z.number().int().min(0),
  event: eventSchema,
  state: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('pending') }),
    z.object({ kind: z.literal('rejected'), code: rejectCodeSchema, message: z.string() }),
  ]),
  /** Measured device clock offset (service minus device, ms) when the entry was made. */
  clockOffsetMs: z.number().int().nullable(),
});
export type OutboxRecord = z.infer<typeof outboxRecordSchema>;
