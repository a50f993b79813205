import type { LineStatus, OeeSnapshot } from '../../core/live.schema.ts';
import { topics } from '../../core/topics.ts';
import type { StopView } from '../domain/station-view.ts';
import { liveStopOfStations, stopsOfStations } from '../domain/station-stops.ts';
import { device } from './device.svelte.ts';
import { station } from './station.svelte.ts';

/** A snapshot older than this is not "live" any more: the tablet shows its own computation. */
const FRESH_MS = 120_000;

/**
 * The service's retained live view of this tablet's line: its status (a machine-detected stop
 * awaiting a reason) and the current shift's OEE snapshot. Fed by the sync link's subscriptions.
 */
class LineLiveManager {
  status = $state.raw<LineStatus | null>(null);
  snapshot = $state.raw<OeeSnapshot | null>(null);
  /** This tablet's stations' stops awaiting a reason as last fetched; memory only, so offline shows the last answer. */
  fetchedStops = $state.raw<StopView[]>([]);
  /** Whose each of the line's stops in the last answer is (stop id to station id). */
  #stationOf = $state.raw<ReadonlyMap<string, string>>(new Map());
  /** The stations this tablet is enrolled to. */
  #stations = $derived(new Set(device.enrolment ? [device.enrolment.station] : []));
  /** The line's live machine stop awaiting a reason, if it is one of this tablet's stations'. */
  #live = $derived(liveStopOfStations(this.status, this.#stationOf, this.#stations));
  liveStop = $derived(this.#live.stop);
  #fetching: Promise<void> | null = null;
  #isRefetchDue = false;

  /** Topics to follow for the enrolled line. */
  topics = (): string[] => {
    const p = device.path;
    return p ? [topics.lineStatus(p), topics.lineOee(p)] : [];
  };

  onMessage = async (topic: string, payload: string): Promise<void> => {
    const p = device.path;
    if (!p) return;
    // Parsed lazily: live messages only come once the MQTT client (itself lazy) is connected.
    const { lineStatusSchema, oeeSnapshotSchema } = await import('../../core/live.schema.ts');
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      return;
    }
    if (topic === topics.lineStatus(p)) {
      const parsed = lineStatusSchema.safeParse(json);
      if (parsed.success) this.status = parsed.data;
      // A new stop on the line: only the stops list says whose it is.
      if (!this.#live.isKnown) void this.refreshStops();
    } else if (topic === topics.lineOee(p)) {
      const parsed = oeeSnapshotSchema.safeParse(json);
      if (parsed.success) this.snapshot = parsed.data;
    }
  };

  /**
   * Fetches the line's stops still awaiting a reason in the current shift (kept: this tablet's stations'). A failure keeps the
   * last list: offline, the tablet shows what it last knew plus its own entries.
   */
  refreshStops = async (): Promise<void> => {
    // One request at a time; a call during one (an ack just landed) asks for one more afterwards.
    if (this.#fetching) {
      this.#isRefetchDue = true;
      return this.#fetching;
    }
    this.#fetching = this.#fetchStops();
    try {
      await this.#fetching;
    } finally {
      this.#fetching = null;
    }
    if (this.#isRefetchDue) {
      this.#isRefetchDue = false;
      await this.refreshStops();
    }
  };

  async #fetchStops(): Promise<void> {
    const now = Date.now();
    const line = device.enrolment?.line;
    const token = device.bearer(now);
    if (!line || !token) return;
    try {
      const { api } = await import('../services/api-client.ts');
      // The current shift, and at least the last hour: a stop just before the shift began still counts.
      const from = Math.min(station.shift?.start ?? now - 8 * 3_600_000, now - 3_600_000);
      // `to` runs ahead of the tablet clock: the service cuts stops at its own now anyway.
      const res = await api.stopsNeedingReason(token, line, from, now + 3_600_000);
      const { stops, stationOf } = stopsOfStations(res.lines.find((l) => l.lineId === line)?.stops ?? [], this.#stations);
      [this.fetchedStops, this.#stationOf] = [stops, stationOf];
    } catch (error) {
      console.warn('stops needing a reason not fetched', error);
    }
  }

  /** The snapshot when it is recent enough to trust, else null. */
  freshSnapshot(now: number): OeeSnapshot | null {
    const s = this.snapshot;
    return s && now - s.at < FRESH_MS ? s : null;
  }
}

export const lineLive = new LineLiveManager();
