import * as z from 'zod/mini';
import { leaderVersionSchema } from './leader-version.schema.ts';
import { handoverTopics } from './events.schema.ts';

/** Wire form of GET /api/stations/:station/log and of the retained `<station>/log` topic. */
const named = { authorName: z.string() };

export const stationLogNoteSchema = z.object({
  id: z.string(),
  ts: z.number(),
  lineId: z.string(),
  stationId: z.string(),
  author: z.string(),
  text: z.string(),
  voidedBy: z.nullable(z.string()),
  ...named,
});

export const stationLogAckSchema = z.object({ id: z.string(), author: z.string(), stationId: z.string(), ts: z.number(), ...named });

export const stationLogHandoverSchema = z.object({
  id: z.string(),
  scope: z.enum(['station', 'line']),
  lineId: z.string(),
  stationId: z.string(),
  author: z.string(),
  ts: z.number(),
  topics: z.array(z.enum(handoverTopics)),
  text: z.string(),
  acks: z.array(stationLogAckSchema),
  ...named,
});

export const stationLogWireSchema = z.object({
  /** A cluster leader's order: a late publish of an earlier leader never replaces a later one. */
  version: leaderVersionSchema,
  stationId: z.string(),
  lineId: z.string(),
  since: z.number(),
  /** When the service folded it; the tablet shows the age of a cached log from this. */
  at: z.number(),
  notes: z.array(stationLogNoteSchema),
  handovers: z.array(stationLogHandoverSchema),
});
export type StationLogWire = z.infer<typeof stationLogWireSchema>;
