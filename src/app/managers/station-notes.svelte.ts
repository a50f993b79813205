import type { FloorEvent } from '../../core/events.schema.ts';
import { device } from './device.svelte.ts';

/** How often the tablet asks for its station's notes while it can reach the service. */
const POLL_MS = 60_000;

/**
 * This shift's notes at the station as the service has them (written on any tablet there), from
 * GET /api/stations/:station/notes. Kept in memory only: offline the tablet lists its own notes.
 */
class StationNotesManager {
  notes = $state.raw<FloorEvent[]>([]);
  #timer: ReturnType<typeof setInterval> | null = null;

  /** Asks the service now; a failure (offline, signed in offline) keeps what was there. */
  refresh = async (): Promise<void> => {
    const token = device.bearer(Date.now());
    const stationId = device.enrolment?.station;
    if (!token || !stationId) return;
    try {
      const { fetchStationNotes } = await import('../services/notes-client.ts');
      this.notes = await fetchStationNotes(token, stationId);
    } catch (error) {
      console.warn('station notes not loaded', error);
    }
  };

  /** Starts polling (and asks at once); returns its cleanup. */
  listen(): () => void {
    void this.refresh();
    this.#timer ??= setInterval(() => void this.refresh(), POLL_MS);
    return () => {
      if (this.#timer) clearInterval(this.#timer);
      this.#timer = null;
    };
  }
}

export const stationNotes = new StationNotesManager();
