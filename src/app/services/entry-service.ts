import { ulid } from 'ulid';
import type { CorrectablePayload, FloorEvent } from '../../core/events.schema.ts';
import { EVENT_SCHEMA_VERSION } from '../../core/events.schema.ts';
import { device } from '../managers/device.svelte.ts';
import { station } from '../managers/station.svelte.ts';
import { sync } from '../managers/sync.svelte.ts';
import { clock } from '../managers/clock.svelte.ts';
import type { VoidPayload } from '../domain/minus-one.ts';

/**
 * Records one operator entry: envelope (id, device, seq, device time, author, station) + payload,
 * committed to the IndexedDB outbox before the screen shows it. Resolves with the stored event.
 */
export async function recordEntry(payload: CorrectablePayload | VoidPayload, id: string = ulid()): Promise<FloorEvent> {
  const enrolment = device.enrolment;
  const session = device.session;
  const engine = sync.engine;
  if (!enrolment || !session || !engine) throw new Error('not signed in');
  const ts = Date.now();
  const record = await engine.record(
    (seq) => ({ v: EVENT_SCHEMA_VERSION, id, deviceId: enrolment.deviceId, seq, ts, author: session.user.id, lineId: enrolment.line, stationId: enrolment.station, ...payload }) as FloorEvent,
    clock.offsetMs,
  );
  station.push(record.event);
  return record.event;
}

/** Starts a stop now; by convention the stop id is the event id. */
export function startStop(): Promise<FloorEvent> {
  const id = ulid();
  return recordEntry({ type: 'stop.start', stopId: id }, id);
}
