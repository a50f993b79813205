import * as z from 'zod/mini';
import { eventSchema, type FloorEvent } from '../../core/events.schema.ts';
import { api } from './api-client.ts';

/** The answer of GET /api/stations/:station/notes (docs/api.md). */
const notesAnswerSchema = z.object({
  stationId: z.string(),
  from: z.number(),
  notes: z.array(z.object({ event: eventSchema, voidedBy: z.nullable(z.string()) })),
});

/**
 * This station's notes of the shift as the service has them (every tablet's), as events: each note,
 * and a stand-in void for each note taken back, so the tablet's one note list folds them as its own.
 */
export async function fetchStationNotes(token: string, stationId: string): Promise<FloorEvent[]> {
  const answer = await api.get(`/api/stations/${encodeURIComponent(stationId)}/notes`, notesAnswerSchema, token);
  return answer.notes.flatMap(({ event, voidedBy }) =>
    voidedBy === null ? [event] : [event, { ...event, id: voidedBy, type: 'void', voids: event.id, reason: 'void' } as FloorEvent],
  );
}
