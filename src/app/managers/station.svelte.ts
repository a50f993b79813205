import type { FloorEvent } from '../../core/events.schema.ts';
import type { StationStatus } from '../../core/live.schema.ts';
import { indexPlant } from '../../core/plant-index.ts';
import { currentShift, type ShiftInstancesFn, type ShiftNow } from '../domain/current-shift.ts';
import type { StationLiveView } from '../domain/station-overlay.ts';
import { device } from './device.svelte.ts';
import { clock } from './clock.svelte.ts';
import { sync } from './sync.svelte.ts';

/** What the operator screen shows of its station, and where it comes from. */
export interface StationScreen extends StationLiveView {
  /**
   * When the service last told this station's state (its `updatedAt`); null when the tablet has
   * never heard it and shows its own entries only.
   */
  asOf: number | null;
}

/**
 * This tablet's station: the service's live status (retained per-station topic: machine signals,
 * every tablet's entries, corrections), with this tablet's waiting entries laid on top through the
 * core station fold. Before the service was ever heard, the same fold over this tablet's own entries.
 */
class StationManager {
  /** This tablet's own recent entries (journal and outbox, refused ones left out). */
  events = $state.raw<FloorEvent[]>([]);
  /** The service's last status of this station (offline it is shown with its age). */
  status = $state.raw<StationStatus | null>(null);
  /**
   * The core fold and the overlay, loaded after the first screen (they bring the OEE engine's
   * count and stop structures): until then the service's status is shown as it came.
   */
  #folds = $state.raw<{ overlayStation: typeof import('../domain/station-overlay.ts').overlayStation; newestTs: typeof import('../domain/station-overlay.ts').newestTs; foldStationStates: typeof import('../../core/station-state/fold.ts').foldStationStates } | null>(null);

  /**
   * The core calendar (src/core/oee/calendar.ts, with its time-zone library), loaded right after
   * the first screen: it would not fit the first screen's budget.
   */
  #shiftInstances = $state.raw<ShiftInstancesFn | null>(null);

  /** The shift running now, as the service dates it; undefined until the calendar is loaded. */
  shift = $derived.by((): ShiftNow | null | undefined => {
    const plant = device.plant;
    if (!plant) return null;
    const instancesOf = this.#shiftInstances;
    return instancesOf ? currentShift(plant.calendar, clock.now, instancesOf) : undefined;
  });
  #indexed = $derived(device.plant && device.enrolment ? (indexPlant(device.plant).lines.get(device.enrolment.line) ?? null) : null);
  /** Service time, to the second: states that turn with time (small stop, no data) follow it. */
  #now = $derived(clock.now + (clock.offsetMs ?? 0));

  screen = $derived.by((): StationScreen | null => {
    const plant = device.plant;
    const indexed = this.#indexed;
    const stationId = device.enrolment?.station;
    if (!plant || !indexed || !stationId) return null;
    const status = this.status;
    const folds = this.#folds;
    // Laid on even with nothing waiting: an acknowledged entry may not be in the status yet.
    if (status && folds === null) return { status, hasWaiting: false, asOf: status.updatedAt };
    if (folds === null) return null;
    // The clock as a getter: read only when something is laid on, so a screen showing the status as
    // it came is not worked out again every second.
    if (status) return { ...folds.overlayStation({ plant, indexed, status, waiting: sync.waiting, now: () => this.#now, own: this.events }), asOf: status.updatedAt };
    const own = folds.foldStationStates(plant, indexed, this.events, Math.max(this.#now, folds.newestTs(this.events))).stations.find((s) => s.stationId === stationId);
    return own ? { status: own, hasWaiting: sync.waiting.length > 0, asOf: null } : null;
  });

  /** Loads the core calendar (once); the shift is known from then on. */
  async loadCalendar(): Promise<void> {
    const { shiftInstances } = await import('../../core/oee/calendar.ts');
    this.#shiftInstances = shiftInstances;
  }

  /** Loads the fold (once); the screen then lays waiting entries on top. */
  async loadFold(): Promise<void> {
    const [{ overlayStation, newestTs }, { foldStationStates }] = await Promise.all([import('../domain/station-overlay.ts'), import('../../core/station-state/fold.ts')]);
    this.#folds = { overlayStation, newestTs, foldStationStates };
  }

  /** Adds an event once it is committed. */
  push(event: FloorEvent): void {
    this.events = [...this.events, event];
  }

  /**
   * `earlier` (the start-up read's journal and outbox, in that order) followed by the events held
   * now that it does not have (entries recorded while it was read): what the list would be had it
   * been read before the first screen.
   */
  withEarlier(earlier: FloorEvent[]): FloorEvent[] {
    const ids = new Set(earlier.map((e) => e.id));
    return [...earlier, ...this.events.filter((e) => !ids.has(e.id))];
  }

  /** Forgets entries the service refused: they count in nothing the tablet shows. */
  drop(ids: readonly string[]): void {
    const gone = new Set(ids);
    this.events = this.events.filter((e) => !gone.has(e.id));
  }
}

export const station = new StationManager();
