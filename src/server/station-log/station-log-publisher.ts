import type { FloorEvent } from '../../core/events.schema.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import { topics, type StationPath } from '../../core/topics.ts';
import type { StoredEventInput } from '../storage/storage.ts';
import { readStationLogs, type StationLogSource } from './read-station-log.ts';
import { withLeaderVersion } from '../cluster/leader-version.ts';

/** Entries of one commit group close together are folded once, not once per entry. */
const SETTLE_MS = 20;

export interface StationLogPublisherOptions extends StationLogSource {
  index: () => PlantIndex;
  now: () => number;
  publish: (topic: string, payload: string, options?: { retain?: boolean }) => Promise<void>;
  /** A cluster's leader: the version each publish carries (ADR 0017); absent for a single service. */
  version?: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

export interface StationLogPublisher {
  /** After a committed group: republishes the logs of the stations it touched. */
  onCommitted(records: readonly StoredEventInput[]): void;
  stop(): void;
}

/**
 * The stations whose log an event may change: a note or station handover its own station; a line
 * handover, an ack (a line handover's acks are listed at every station of the line), a void or a
 * correction (its target is not known here) every station of the line.
 */
function touched(e: FloorEvent): { station?: string; line: string } | null {
  if (e.type === 'note' || (e.type === 'handover' && e.scope === 'station')) return { station: e.stationId, line: e.lineId };
  if (e.type === 'handover' || e.type === 'handover.ack' || e.type === 'void' || e.type === 'correction') return { line: e.lineId };
  return null;
}

/**
 * Publishes each station's log (core/station-log.ts) retained on `topics.stationLog`, at start and
 * whenever a commit touches it, so a signed-in tablet and the lead's view get a line handover
 * without polling. Publishes run one at a time, so an older fold never overwrites a newer one.
 */
export function startStationLogPublisher(o: StationLogPublisherOptions): StationLogPublisher {
  const dirty = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let chain = Promise.resolve();
  let isStopped = false;

  /** The line's events are read once for all its stations to publish. */
  const publishLine = async (lineId: string, stations: readonly StationPath[]) => {
    const wires = await readStationLogs(o, lineId, stations.map((s) => s.station), o.now());
    for (const s of stations) await o.publish(topics.stationLog(s), JSON.stringify(withLeaderVersion(wires.get(s.station)!, o.version)), { retain: true });
  };
  const flush = () => {
    timer = null;
    const ids = [...dirty];
    dirty.clear();
    chain = chain.then(async () => {
      const byLine = new Map<string, StationPath[]>();
      for (const id of ids) {
        const s = o.index().stations.get(id);
        if (s) byLine.set(s.line, [...(byLine.get(s.line) ?? []), s]);
      }
      for (const [lineId, stations] of byLine) {
        if (isStopped) return;
        await publishLine(lineId, stations).catch((error: unknown) => o.log('station log publish failed', { line: lineId, stations: stations.map((s) => s.station), error: (error as Error).message }));
      }
    });
  };
  const mark = (ids: Iterable<string>) => {
    for (const id of ids) dirty.add(id);
    if (!timer && !isStopped && dirty.size > 0) timer = setTimeout(flush, SETTLE_MS);
  };

  mark(o.index().stations.keys());
  return {
    onCommitted(records) {
      const ids: string[] = [];
      for (const { event } of records) {
        const t = touched(event);
        if (!t) continue;
        if (t.station) ids.push(t.station);
        else for (const s of o.index().stations.values()) if (s.line === t.line) ids.push(s.station);
      }
      mark(ids);
    },
    stop() {
      isStopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
