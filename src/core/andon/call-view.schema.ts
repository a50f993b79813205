import * as z from 'zod/mini';
import { leaderVersionSchema } from '../leader-version.schema.ts';
import { andonAckSources, andonKinds, andonResolveHows, andonTriggers } from './kinds.ts';

const ms = z.number();
const text = z.string();

/**
 * A call as screens, the API, MQTT and webhooks show it (the service builds it in
 * src/server/andon/call-view.ts): the call's life (core/andon/calls.ts), names, response times,
 * whether it came late, who is told at its level and which roles may answer it. Not strict: a
 * newer service may add fields without breaking an older screen.
 */
export const andonCallViewSchema = z.object({
  id: text,
  lineId: text,
  stationId: text,
  areaId: text,
  kind: z.enum(andonKinds),
  trigger: z.enum(andonTriggers),
  ruleId: z.nullable(text),
  cause: text,
  stopId: z.nullable(text),
  reasonId: z.nullable(text),
  note: z.nullable(text),
  author: text,
  authorName: text,
  raisedAt: ms,
  level: z.number().check(z.int(), z.minimum(1)),
  levels: z.array(z.object({ level: z.number(), at: ms })),
  ack: z.nullable(z.object({ by: text, name: text, from: z.enum(andonAckSources), at: ms })),
  /** how 'taken-back': its caller took it back on the tablet (by: the caller, note: the undo's reason); it has no response times. */
  resolved: z.nullable(z.object({ how: z.enum(andonResolveHows), by: text, name: text, at: ms, note: z.nullable(text) })),
  toAcknowledgeMs: z.nullable(ms),
  toResolveMs: z.nullable(ms),
  isLate: z.boolean(),
  notify: z.array(text),
  /** Roles that may acknowledge and resolve it (its rule's), always within their own scope; the service decides each answer. */
  acknowledgedBy: z.array(z.enum(['operator', 'lead', 'manager', 'admin'])),
});
export type AndonCallView = z.infer<typeof andonCallViewSchema>;

/** The retained `.../<line>/andon` payload: the line's open calls, republished on every change. */
export const lineAndonSchema = z.object({
  v: z.literal(1),
  /** A cluster leader's order: a late publish of an earlier leader never replaces a later one. */
  version: leaderVersionSchema,
  lineId: text,
  at: ms,
  calls: z.array(andonCallViewSchema),
});
export type LineAndon = z.infer<typeof lineAndonSchema>;
