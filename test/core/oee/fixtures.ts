import { plantSchema, type PlantInput, type Plant } from '../../../src/core/plant.schema.ts';
import type { CorrectablePayload, FloorEvent } from '../../../src/core/events.schema.ts';

type EditPayload = { type: 'correction'; supersedes: string; reason: string; replacement: CorrectablePayload } | { type: 'void'; voids: string; reason: string };

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A valid ULID-shaped id from a number, so tests read "id(7)" instead of random strings. */
export function id(n: number): string {
  let s = '';
  let x = n;
  for (let i = 0; i < 26; i++) {
    s = CROCKFORD[x % 32] + s;
    x = Math.floor(x / 32);
  }
  return s;
}

export const MIN = 60_000;
export const H = 3_600_000;
/** Monday 2025-01-06 00:00 UTC. */
export const MONDAY = Date.UTC(2025, 0, 6);

type Shifts = PlantInput['calendar']['shifts'];

/** A small valid plant: one area with lines l1 and l2, UTC, one 06:00-14:00 shift every day unless given. */
/**
 * The hand-computed scenarios assume lines watched all along: monitored since 2000 unless
 * `monitoredFrom` says otherwise (null: from each line's first event, as a plant file without it),
 * and gateways that send only changes, so silence between them is no gap unless
 * `heartbeatTimeoutSec` is given (docs/adr/0009-no-data.md).
 */
export const ALWAYS_MONITORED = '2000-01-01T00:00:00Z';

/** A heartbeat timeout no test's gateway silence reaches: a year. */
const NEVER_SILENT_SEC = 366 * 86_400;

export function makePlant(
  over: {
    shifts?: Shifts;
    timezone?: string;
    exceptions?: PlantInput['calendar']['exceptions'];
    threshold?: number;
    monitoredFrom?: string | null;
    noData?: 'excluded' | 'unplanned-stop';
    heartbeatTimeoutSec?: number;
  } = {},
): Plant {
  const monitoredFrom = over.monitoredFrom === undefined ? ALWAYS_MONITORED : over.monitoredFrom;
  const lineOf = (lineId: string, st: string) => ({
    id: lineId,
    name: lineId,
    stations: [{ id: st, name: st }],
    products: [
      { productId: 'p1', idealCycleTimeSec: 1 },
      { productId: 'p2', idealCycleTimeSec: 2 },
    ],
    smallStopThresholdSec: over.threshold ?? 120,
    ...(monitoredFrom === null ? {} : { monitoredFrom }),
    ...(over.noData ? { noData: over.noData } : {}),
    heartbeatTimeoutSec: over.heartbeatTimeoutSec ?? NEVER_SILENT_SEC,
  });
  return plantSchema.parse({
    schemaVersion: 1,
    site: { id: 'site', name: 'Site' },
    calendar: {
      timezone: over.timezone ?? 'UTC',
      shifts: over.shifts ?? [{ id: 'early', name: 'Early', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '06:00', end: '14:00' }],
      exceptions: over.exceptions ?? [],
    },
    products: [
      { id: 'p1', name: 'P1' },
      { id: 'p2', name: 'P2' },
    ],
    areas: [
      { id: 'a1', name: 'A1', lines: [lineOf('l1', 's1'), lineOf('l2', 's2')] },
      { id: 'a2', name: 'A2', lines: [lineOf('l3', 's3')] },
    ],
    reasons: [
      { id: 'mech', label: 'Mechanical', loss: 'breakdown', children: [{ id: 'jam', label: 'Jam', loss: 'breakdown' }] },
      { id: 'setup', label: 'Setup', loss: 'setup' },
      { id: 'planned', label: 'Planned', loss: 'planned', children: [{ id: 'maint', label: 'Maintenance', loss: 'planned' }] },
      { id: 'small', label: 'Small', loss: 'minor-stop' },
    ],
  } satisfies PlantInput);
}

/** Builds events with increasing seq per device; ids from a shared counter unless given. */
export class EventMaker {
  private n = 1;
  private seq = new Map<string, number>();
  ev(ts: number, payload: CorrectablePayload | EditPayload, opts: { lineId?: string; stationId?: string; deviceId?: string; id?: string } = {}): FloorEvent {
    const lineId = opts.lineId ?? 'l1';
    const deviceId = opts.deviceId ?? `tab-${lineId}`;
    const seq = this.seq.get(deviceId) ?? 0;
    this.seq.set(deviceId, seq + 1);
    const stationId = opts.stationId ?? `s${lineId.slice(1)}`;
    return { v: 1, id: opts.id ?? id(this.n++), deviceId, seq, ts, author: 'op1', lineId, stationId, ...payload } as FloorEvent;
  }
  /** A stop.start/stop.end pair; returns [start, end]. */
  stop(from: number, to: number, opts: { lineId?: string; reasonId?: string } = {}): [FloorEvent, FloorEvent] {
    const start = this.ev(from, { type: 'stop.start', stopId: id(this.n), ...(opts.reasonId ? { reasonId: opts.reasonId } : {}) }, opts);
    const end = this.ev(to, { type: 'stop.end', stopId: start.id }, opts);
    return [start, end];
  }
  count(ts: number, good: number, reject = 0, productId = 'p1', lineId = 'l1'): FloorEvent {
    return this.ev(ts, { type: 'count', productId, good, reject }, { lineId });
  }
}
