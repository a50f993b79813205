import * as z from 'zod/mini';

/** GET /api/shift-reports: the reports stored at their shift's end within a window. */
export const storedReportsSchema = z.object({
  from: z.number(),
  to: z.number(),
  reports: z.array(z.object({ lineId: z.string(), shiftStart: z.number(), shiftEnd: z.number(), shiftId: z.string(), madeAt: z.number() })),
});
export type StoredReportsWire = z.infer<typeof storedReportsSchema>;
