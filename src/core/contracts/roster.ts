import * as z from 'zod/mini';
import { topicIdSchema } from '../ids.schema.ts';

/* Its own module: the tablet's shell parses the cached roster at start, and needs none of the login's shapes. */

/** An operator as a tablet caches them for offline sign-in: the PIN's scrypt hash, never the PIN. */
export const rosterEntrySchema = z.object({
  id: topicIdSchema,
  name: z.string().check(z.minLength(1)),
  badge: z.string().check(z.minLength(1)),
  pinHash: z.string().check(z.minLength(1)),
});
export type RosterEntry = z.infer<typeof rosterEntrySchema>;
export const rosterSchema = z.array(rosterEntrySchema);

/** GET /api/roster?stations=…: the operators of those stations. */
export const rosterResponseSchema = z.object({ operators: rosterSchema });
export type RosterWire = z.infer<typeof rosterResponseSchema>;
