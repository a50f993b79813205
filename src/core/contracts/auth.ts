import * as z from 'zod/mini';
import { topicIdSchema } from '../ids.schema.ts';

/** Body of POST /api/login; the service checks it further (lengths, reserved device ids). */
export type LoginRequestWire =
  | { kind: 'badge'; badge: string; pin: string; deviceId: string; stationId?: string }
  | { kind: 'password'; userId: string; password: string; deviceId: string };

/** The answer of POST /api/login: a token, who signed in, and the broker credentials. */
export const loginResultSchema = z.object({
  token: z.string().check(z.minLength(1)),
  expiresAt: z.number().check(z.int()),
  user: z.object({
    id: topicIdSchema,
    name: z.string(),
    role: z.string(),
    stations: z.optional(z.array(z.string())),
    lines: z.optional(z.array(z.string())),
    areas: z.optional(z.array(z.string())),
  }),
  mqtt: z.object({ path: z.string(), username: z.string(), password: z.string(), clientId: z.string() }),
});
export type LoginResultWire = z.infer<typeof loginResultSchema>;

/** GET /api/time: the service's clock, which every timestamp a device stamps is measured against. */
export const serviceTimeSchema = z.object({ now: z.number() });
export type ServiceTimeWire = z.infer<typeof serviceTimeSchema>;
