import * as z from 'zod/mini';
import { andonCallViewSchema } from '../andon/call-view.schema.ts';

/** GET /api/andon/calls: calls in the caller's scope, oldest first, each saying whether the caller may answer it. */
export const andonCallsSchema = z.object({ at: z.number(), calls: z.array(z.extend(andonCallViewSchema, { mayAnswer: z.boolean() })) });
export type AndonCallsWire = z.infer<typeof andonCallsSchema>;
export type AndonCallRow = AndonCallsWire['calls'][number];

/** One message of one call to one target (webhook, mail, MQTT), with every try: the call's delivery log. */
export const andonDeliverySchema = z.object({
  id: z.string(),
  callId: z.string(),
  lineId: z.string(),
  channel: z.string(),
  target: z.string(),
  change: z.string(),
  state: z.enum(['pending', 'delivered', 'dead', 'interrupted']),
  attempts: z.array(z.object({ at: z.number(), status: z.nullable(z.number()), error: z.nullable(z.string()), ms: z.number() })),
  nextAt: z.nullable(z.number()),
});
export type AndonDeliveryWire = z.infer<typeof andonDeliverySchema>;

/** GET /api/andon/deliveries (admins: every call's, newest first; `state=dead`: the dead-lettered only). */
export const andonDeliveriesSchema = z.object({ deliveries: z.array(andonDeliverySchema) });
export type AndonDeliveriesWire = z.infer<typeof andonDeliveriesSchema>;
