import type { Plant } from '../../../core/plant.schema.ts';
import { currentWindow, type ViewWindow } from '../../../core/charts/windows.ts';
import { dashboardApi } from '../services/dashboard-api.ts';
import type { Bucket, Figures, ParetoView, StopView, TimelineView } from '../services/history.schema.ts';

type Segments = TimelineView['lines'][number]['segments'];

/**
 * History of one line for one window (a shift or a day) from the service's API: figures, hourly
 * buckets, state timeline, stops and Pareto. `isLive` windows are reloaded when the line's live
 * status changes, so a stop logged on a tablet shows here with its detail, not only its colour.
 */
export class LineViewState {
  window = $state<ViewWindow | null>(null);
  total = $state.raw<Figures | null>(null);
  hours = $state.raw<Bucket[]>([]);
  segments = $state.raw<Segments>([]);
  stops = $state.raw<StopView[]>([]);
  pareto = $state.raw<ParetoView | null>(null);
  error = $state<string | null>(null);
  isLoading = $state(false);
  loadedAt = $state(0);
  #seq = 0;

  constructor(readonly lineId: string) {}

  /** True while the window contains `now`: live values win over history. */
  isLive(now: number): boolean {
    return this.window !== null && this.window.from <= now && now < this.window.to;
  }

  /** Opens the given window, or the current shift (or day) when none is given. */
  open(plant: Plant, now: number, from: number | null, to: number | null): void {
    this.window = from !== null && to !== null && to > from ? { kind: 'shift', from, to, shiftId: null } : currentWindow(plant.calendar, now);
  }

  async load(token: string): Promise<void> {
    const w = this.window;
    if (!w) return;
    const seq = ++this.#seq;
    this.isLoading = true;
    const q = { from: w.from, to: w.to, lines: [this.lineId] };
    try {
      const [hourly, timeline, stops, pareto] = await Promise.all([
        dashboardApi.oee(token, { ...q, by: 'hour' }),
        dashboardApi.timeline(token, q),
        dashboardApi.stops(token, q),
        dashboardApi.pareto(token, q),
      ]);
      if (seq !== this.#seq) return; // a newer load won
      const line = hourly.lines.find((l) => l.id === this.lineId);
      this.total = line?.total ?? null;
      this.hours = line?.buckets ?? [];
      this.segments = timeline.lines.find((l) => l.lineId === this.lineId)?.segments ?? [];
      this.stops = stops.lines.find((l) => l.lineId === this.lineId)?.stops ?? [];
      this.pareto = pareto;
      this.error = null;
      this.loadedAt = Date.now();
    } catch (error) {
      if (seq === this.#seq) this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (seq === this.#seq) this.isLoading = false;
    }
  }
}
