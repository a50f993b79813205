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

  /** Topics to follow for the enrolled station and its line. */
  topics = (): string[] => {
    const p = device.path;
    return p ? [topics.stationStatus(p), topics.lineStatus(p), topics.lineOee(p)] : [];
  };

  onMessage = async (topic: string, payload: string): Promise<void> => {
    const p = device.path;
    if (!p) return;
    // Parsed lazily: live messages only come once the MQTT client (itself lazy) is connected.
    const { lineStatusSchema, oeeSnapshotSchema, stationStatusSchema } = await import('../../core/live.schema.ts');
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      return;
    }
    if (topic === topics.stationStatus(p)) {
      const parsed = stationStatusSchema.safeParse(json);
      // An older status (a retained copy after a newer live one) never replaces a newer one.
      if (parsed.success && parsed.data.updatedAt >= (station.status?.updatedAt ?? -Infinity)) {
        station.status = parsed.data;
        this.onStation?.(parsed.data);
      }
    } else if (topic === topics.lineStatus(p)) {
      const parsed = lineStatusSchema.safeParse(json);
      if (parsed.success) this.status = parsed.data;
    } else if (topic === topics.lineOee(p)) {
      const parsed = oeeSnapshotSchema.safeParse(json);
      if (parsed.success) this.snapshot = parsed.data;
    }
  };

  /** The snapshot when it is recent enough to trust, else null. */
  freshSnapshot(now: number): OeeSnapshot | null {
    const s = this.snapshot;
    return s && now - s.at < FRESH_MS ? s : null;
  }
}

export const lineLive = new LineLiveManager();
