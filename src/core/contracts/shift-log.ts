import * as z from 'zod/mini';
import { stationLogHandoverSchema } from '../station-log.schema.ts';

/** GET /api/shift-log: a window's notes and handovers (with names, as the station log sends them). */
export const shiftLogSchema = z.object({
  handovers: z.array(stationLogHandoverSchema),
  notes: z.array(z.object({ id: z.string(), ts: z.number(), stationId: z.string(), author: z.string(), authorName: z.string(), text: z.string() })),
});
export type ShiftLogWire = z.infer<typeof shiftLogSchema>;
