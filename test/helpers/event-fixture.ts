import { writeFile } from 'node:fs/promises';
import { ulid } from 'ulid';
import type { CorrectablePayload, EventPayload, FloorEvent } from '../../src/core/index.ts';

/** Where and by whom fixture events are made. */
export interface FixtureSource {
  deviceId: string;
  author: string;
  lineId: string;
  stationId: string;
}

/**
 * Builds valid events for one device: ULID ids made at the event's time, seq gap-free from 0.
 *
 * @example
 * const tablet = eventFixture({ deviceId: 'tab-1', author: 'op-1', lineId: 'l1', stationId: 's1' });
 * const start = tablet.at(t0, { type: 'stop.start', stopId: tablet.nextId(t0) });
 */
export function eventFixture(source: FixtureSource) {
  let seq = 0;
  let pendingId: string | undefined;
  return {
    /** An id for a stop made at `ts`; the next `at` reuses it as its event id (stopId = event id by convention). */
    nextId(ts: number): string {
      pendingId = ulid(ts);
      return pendingId;
    },
    at(ts: number, payload: EventPayload): FloorEvent {
      const id = pendingId ?? ulid(ts);
      pendingId = undefined;
      return { v: 1, id, seq: seq++, ts, ...source, ...payload } as FloorEvent;
    },
    /** A stop from `start` to `end` with a reason: two events sharing the stop id. */
    stop(start: number, end: number, reasonId?: string): FloorEvent[] {
      const stopId = this.nextId(start);
      const payload: CorrectablePayload = reasonId ? { type: 'stop.start', stopId, reasonId } : { type: 'stop.start', stopId };
      return [this.at(start, payload), this.at(end, { type: 'stop.end', stopId })];
    },
  };
}

/** Writes events as NDJSON, one JSON object per line. Extra raw lines (bad ones, for tests) can be mixed in. */
export async function writeNdjson(path: string, lines: readonly (FloorEvent | string)[]): Promise<void> {
  await writeFile(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
}
