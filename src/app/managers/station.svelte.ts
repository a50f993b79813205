import type { FloorEvent } from '../../core/events.schema.ts';
import { deriveStationView } from '../domain/station-view.ts';
import { currentShift } from '../domain/current-shift.ts';
import { device } from './device.svelte.ts';
import { clock } from './clock.svelte.ts';

/** This station's own recent events and what the operator screen derives from them. */
class StationManager {
  events = $state.raw<FloorEvent[]>([]);

  shift = $derived(device.plant ? currentShift(device.plant.calendar, clock.now) : null);
  /**
   * Where the counts start: the shift's start, else the last 8 hours. A number that changes once a
   * shift (or once a minute), so the clock's tick does not re-fold every event each second.
   */
  #from = $derived(this.shift?.start ?? Math.floor(clock.now / 60_000) * 60_000 - 8 * 3600_000);
  view = $derived(
    deriveStationView(this.events, {
      stationId: device.enrolment?.station ?? '',
      from: this.#from,
      smallStopMs: (device.line?.smallStopThresholdSec ?? 120) * 1000,
      defaultProductId: device.line?.products[0]?.productId ?? null,
    }),
  );
  /** Adds an event once it is committed. */
  push(event: FloorEvent): void {
    this.events = [...this.events, event];
  }

  /** Forgets entries the service refused: they count in nothing the tablet shows. */
  drop(ids: readonly string[]): void {
    const gone = new Set(ids);
    this.events = this.events.filter((e) => !gone.has(e.id));
  }
}

export const station = new StationManager();
