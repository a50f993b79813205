import { ulid } from 'ulid';
import type { CorrectablePayload, FloorEvent } from '../../core/events.schema.ts';
import { EVENT_SCHEMA_VERSION } from '../../core/events.schema.ts';
import { FloorboardError } from '../../core/errors.ts';
import type { VoidPayload } from '../domain/minus-one.ts';
import type { SyncEngine } from './sync-engine.ts';

/** What recording an entry needs, read at the moment of the tap (main.ts hands in the tablet's managers). */
export interface EntryDeps {
  /** The tablet's enrolment (device, line, station), or null before enrolment. */
  enrolment(): { deviceId: string; line: string; station: string } | null;
  /** Who is signed in: the entry's author. */
  author(): string | null;
  engine(): Pick<SyncEngine, 'record' | 'isStarted'> | null;
  /** The measured offset of the device clock from the service's (kept with the entry). */
  clockOffsetMs(): number | null;
  /** The entry is stored: show it. */
  onRecorded(event: FloorEvent): void;
  now(): number;
}

export interface EntryService {
  recordEntry(payload: CorrectablePayload | VoidPayload, id?: string): Promise<FloorEvent>;
  startStop(): Promise<FloorEvent>;
}

/** The channel on which a tab without the link says it put an entry in the shared outbox (one-tablet-link.ts listens). */
export const OUTBOX_CHANNEL = 'floorboard-outbox';

function announceOutbox(): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(OUTBOX_CHANNEL);
  channel.postMessage('appended');
  channel.close();
}

/**
 * Records one operator entry: envelope (id, device, seq, device time, author, station) + payload,
 * committed to the IndexedDB outbox before the screen shows it. Resolves with the stored event.
 */
export function createEntryService(deps: EntryDeps): EntryService {
  const recordEntry = async (payload: CorrectablePayload | VoidPayload, id: string = ulid()): Promise<FloorEvent> => {
    const enrolment = deps.enrolment();
    const author = deps.author();
    const engine = deps.engine();
    if (!enrolment || !author || !engine) throw new FloorboardError('signed-out', 'not signed in');
    const ts = deps.now();
    const record = await engine.record(
      (seq) => ({ v: EVENT_SCHEMA_VERSION, id, deviceId: enrolment.deviceId, seq, ts, author, lineId: enrolment.line, stationId: enrolment.station, ...payload }) as FloorEvent,
      deps.clockOffsetMs(),
    );
    // Committed in a tab whose link is not running (another tab of this browser has it): tell that tab.
    if (!engine.isStarted) announceOutbox();
    deps.onRecorded(record.event);
    return record.event;
  };
  return {
    recordEntry,
    // By convention the stop id is the event id.
    startStop: () => {
      const id = ulid();
      return recordEntry({ type: 'stop.start', stopId: id }, id);
    },
  };
}
