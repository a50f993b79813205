import { ulid } from 'ulid';
import { eventSchema, type EventPayload, type FloorEvent } from '../../../src/core/events.schema.ts';
import type { HourlyBucket, StoredEventInput } from '../../../src/server/storage/storage.ts';

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

/** A full hourly bucket of made-up figures (`scale` varies some of them). */
export function bucketRow(lineId: string, start: number, scale = 1): HourlyBucket {
  return {
    noDataMs: 60_000 * scale,
    scheduledMs: 3_300_000 + 60_000 * scale,
    lineId,
    start,
    allTimeMs: HOUR,
    plannedMs: 3_300_000,
    plannedStopMs: 300_000,
    stopMs: 420_000 * scale,
    runMs: 3_300_000 - 420_000 * scale,
    idealMs: 2_500_000.5,
    good: 2_400 * scale,
    reject: 17,
    stopCount: 3,
    minorStopCount: 9,
    lossMs: {
      breakdown: 300_000,
      setup: 120_000,
      'minor-stop': 45_000,
      'reduced-speed': 90_000.25,
      'process-defect': 17_000,
      'reduced-yield': 0,
    },
    breakdownCount: 2 * scale,
    // Reason tallies survive the round trip, an unclassified (null) reason included.
    reasons:
      scale === 1
        ? null
        : [
            { reasonId: 'jam', loss: 'breakdown', durationMs: 300_000, count: 2 },
            { reasonId: null, loss: 'minor-stop', durationMs: 45_000.5, count: 9 },
          ],
  };
}
