import { ulid } from 'ulid';
import { eventSchema, type EventPayload, type FloorEvent } from '../../../src/core/events.schema.ts';
import type { StoredEventInput } from '../../../src/server/storage/storage.ts';

export const T0 = Date.UTC(2026, 0, 5, 6, 0, 0);
export const HOUR = 3_600_000;

let nextSeq = 0;

/** A valid core event (checked with the core schema, so a broken fixture fails loudly). */
export function makeEvent(
  payload: EventPayload = { type: 'count', productId: 'p-100', good: 5, reject: 1 },
  envelope: Partial<Pick<FloorEvent, 'id' | 'deviceId' | 'lineId' | 'stationId' | 'ts' | 'author' | 'seq'>> = {},
): FloorEvent {
  return eventSchema.parse({
    v: 1,
    id: ulid(),
    deviceId: 'tablet-1',
    seq: nextSeq++,
    ts: T0,
    author: 'op-7',
    lineId: 'line-a',
    stationId: 'st-1',
    ...envelope,
    ...payload,
  });
}

/** Wraps an event in a receipt; the clock offset moves correctedTs away from ts. */
export function makeRecord(event: FloorEvent, clockOffsetMs = 0, receivedAt = event.ts + 50): StoredEventInput {
  return {
    event,
    receivedAt,
    clockOffsetMs,
    correctedTs: event.ts - clockOffsetMs,
    topic: `floorboard/v1/plant/area/${event.lineId}/station/${event.stationId}/events`,
  };
}

/** One event of every payload type, including text a careless adapter would mangle. */
export function everyKind(): FloorEvent[] {
  const stopId = ulid();
  const supersedes = ulid();
  return [
    makeEvent({ type: 'stop.start', stopId, reasonId: 'jam' }),
    makeEvent({ type: 'stop.end', stopId }),
    makeEvent({ type: 'stop.classify', stopId, reasonId: 'jam' }),
    makeEvent({ type: 'stop.split', stopId, at: T0 + 1000, newStopId: ulid(), reasonId: 'no-material' }),
    makeEvent({ type: 'count', productId: 'p-100', good: 12, reject: 0, scrapReasonId: 'burr' }),
    makeEvent({ type: 'scrap', productId: 'p-100', quantity: 3, reasonId: 'burr' }),
    makeEvent({ type: 'changeover.start', toProductId: 'p-200' }),
    makeEvent({ type: 'changeover.end', productId: 'p-200' }),
    makeEvent({ type: 'note', text: 'Düse verstopft \u{1F527} "quoted" \\ back\u0000slash, NUL inside' }),
    makeEvent({ type: 'machine.state', state: 'fault', code: 'E42' }),
    makeEvent({ type: 'machine.counter', productId: 'p-100', total: 123_456, rejectTotal: 7 }),
    makeEvent({
      type: 'correction',
      supersedes,
      reason: 'wrong reason',
      replacement: { type: 'stop.classify', stopId, reasonId: 'setup' },
    }),
    makeEvent({ type: 'void', voids: supersedes, reason: 'double entry' }),
  ];
}
