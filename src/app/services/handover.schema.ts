import * as z from 'zod/mini';
import { handoverTopics } from '../../core/events.schema.ts';

/** A handover as GET /api/stations/:id/handovers and /api/shift-log send it (core/handovers.ts, with names). */
export const handoverViewSchema = z.object({
  id: z.string(),
  scope: z.enum(['station', 'line']),
  lineId: z.string(),
  stationId: z.string(),
  author: z.string(),
  authorName: z.string(),
  ts: z.number(),
  topics: z.array(z.enum(handoverTopics)),
  text: z.string(),
  acks: z.array(z.object({ id: z.string(), author: z.string(), authorName: z.string(), stationId: z.string(), ts: z.number() })),
});
export type HandoverView = z.infer<typeof handoverViewSchema>;

export const openHandoversSchema = z.object({ stationId: z.string(), at: z.number(), handovers: z.array(handoverViewSchema) });
export type OpenHandovers = z.infer<typeof openHandoversSchema>;

/** GET /api/shift-log: a window's notes and handovers. */
export const shiftLogSchema = z.object({
  handovers: z.array(handoverViewSchema),
  notes: z.array(z.object({ id: z.string(), ts: z.number(), stationId: z.string(), author: z.string(), authorName: z.string(), text: z.string() })),
});
export type ShiftLogView = z.infer<typeof shiftLogSchema>;
