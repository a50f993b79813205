import type { Plant } from '../../../core/plant.schema.ts';
import { currentWindow, type ViewWindow } from '../../../core/charts/windows.ts';
import { api } from '../../services/api-client.ts';
import type { Bucket, Figures, ParetoView, StopView, TimelineView } from '../../../core/contracts/history.ts';
import { allStops, type StopFilter } from '../services/stop-filter.ts';

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
  /** The lead's narrowing of the stop list (station, reason, "no reason yet"); kept across reloads. */
  filter = $state.raw<StopFilter>(allStops);
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
    // Each part on its own: one failing endpoint leaves the others on screen, with its error shown.
    const [hourly, timeline, stops, pareto] = await Promise.allSettled([
      api.oee(token, { ...q, by: 'hour' }),
      api.timeline(token, q),
      api.stops(token, q),
      api.pareto(token, q),
    ]);
    if (seq !== this.#seq) return; // a newer load won
    if (hourly.status === 'fulfilled') {
      const line = hourly.value.lines.find((l) => l.id === this.lineId);
      this.total = line?.total ?? null;
      this.hours = line?.buckets ?? [];
    }
    if (timeline.status === 'fulfilled') this.segments = timeline.value.lines.find((l) => l.lineId === this.lineId)?.segments ?? [];
    if (stops.status === 'fulfilled') this.stops = stops.value.lines.find((l) => l.lineId === this.lineId)?.stops ?? [];
    if (pareto.status === 'fulfilled') this.pareto = pareto.value;
    const failed = [hourly, timeline, stops, pareto].find((r) => r.status === 'rejected');
    this.error = failed ? String((failed.reason as Error)?.message ?? failed.reason) : null;
    this.loadedAt = Date.now();
    this.isLoading = false;
  }
}
