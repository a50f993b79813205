import * as z from 'zod/mini';
import { rejectCodes } from '../events.schema.ts';

/** One message ingest refused, with why; the payload is the received text, cut to a limit. */
export const deadLetterSchema = z.object({
  id: z.number(),
  receivedAt: z.number(),
  topic: z.string(),
  deviceId: z.optional(z.string()),
  code: z.enum(rejectCodes),
  message: z.string(),
  payload: z.string(),
  payloadBytes: z.number(),
  isTruncated: z.boolean(),
});
export type DeadLetterWire = z.infer<typeof deadLetterSchema>;

/** GET /api/dead-letters: a page, newest first; `nextCursor` is null on the last page. */
export const deadLettersPageSchema = z.object({ deadLetters: z.array(deadLetterSchema), nextCursor: z.nullable(z.string()) });
export type DeadLettersPageWire = z.infer<typeof deadLettersPageSchema>;
