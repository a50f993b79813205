import { isNewerLive } from '../../core/live-version.ts';
import type { LineAndon } from '../../core/andon/call-view.schema.ts';
import type { LineStatus, OeeSnapshot, StationStatus } from '../../core/live.schema.ts';
import { topics } from '../../core/topics.ts';
import { device } from './device.svelte.ts';
import { station } from './station.svelte.ts';

/** A snapshot older than this is not "live" any more: the tablet shows its own computation. */
const FRESH_MS = 120_000;

/**
 * The service's retained live view for this tablet: its station's status (into `station.status`),
 * its line's status and the current shift's OEE snapshot. Fed by the sync link's subscriptions;
 * what arrived last stays in memory, so offline shows the last known state with its age.
 */
class LineLiveManager {
  status = $state.raw<LineStatus | null>(null);
  /** Called with each newer station status (main.ts keeps it on the tablet for a reload offline). */
  onStation: ((status: StationStatus) => void) | null = null;
  snapshot = $state.raw<OeeSnapshot | null>(null);
  /** Called with each newer line status and snapshot (main.ts keeps them for a reload offline: shift progress). */
  onLine: ((status: LineStatus) => void) | null = null;
  onSnapshot: ((snapshot: OeeSnapshot) => void) | null = null;
  /** The line's open andon calls (the tablet shows its own station's, with who acknowledged). */
  andon = $state.raw<LineAndon | null>(null);
  /** Called with each station log pushed on the station's log topic (decoded; the station-log manager keeps it). */
  onLog: ((json: unknown) => void) | null = null;

  /** Topics to follow for the enrolled station and its line. */
  topics = (): string[] => {
    const p = device.path;
    return p ? [topics.stationStatus(p), topics.stationLog(p), topics.lineStatus(p), topics.lineOee(p), topics.lineAndon(p)] : [];
  };

  onMessage = async (topic: string, payload: string): Promise<void> => {
    const p = device.path;
    if (!p) return;
    // Loaded lazily: live messages only come once the MQTT client (itself lazy) is connected.
    const { decodeLive } = await import('../services/live-decoder.ts');
    const m = decodeLive(topic, payload);
    if (m?.kind === 'station-status' && topic === topics.stationStatus(p)) {
      // An older status (a retained copy after a newer live one) never replaces a newer one.
      if (m.status.updatedAt >= (station.status?.updatedAt ?? -Infinity) && isNewerLive(station.status, m.status)) {
        station.status = m.status;
        this.onStation?.(m.status);
      }
    } else if (m?.kind === 'station-log' && topic === topics.stationLog(p)) {
      this.onLog?.(m.log);
    } else if (m?.kind === 'line-status' && topic === topics.lineStatus(p)) {
      if (!isNewerLive(this.status, m.status)) return;
      this.status = m.status;
      this.onLine?.(m.status);
      if (m.status.configVersion) void device.onConfigVersion(m.status.configVersion, Date.now());
    } else if (m?.kind === 'line-oee' && topic === topics.lineOee(p)) {
      if (!isNewerLive(this.snapshot, m.snapshot)) return;
      this.snapshot = m.snapshot;
      this.onSnapshot?.(m.snapshot);
    } else if (m?.kind === 'andon' && topic === topics.lineAndon(p)) {
      if (isNewerLive(this.andon, m.andon)) this.andon = m.andon;
    }
  };

  /** What the last run kept (read after the first screen): never over what the link brought since. */
  restore(kept: { status: LineStatus | null; snapshot: OeeSnapshot | null }): void {
    this.status ??= kept.status;
    this.snapshot ??= kept.snapshot;
  }

  /** The snapshot when it is recent enough to trust, else null. */
  freshSnapshot(now: number): OeeSnapshot | null {
    const s = this.snapshot;
    return s && now - s.at < FRESH_MS ? s : null;
  }
}

export const lineLive = new LineLiveManager();
