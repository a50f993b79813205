import type { FloorEvent } from '../../core/index.ts';
import type { StoredEventInput } from '../storage/storage.ts';
import { correctTs, type ClockReading, type ClockTracker } from './clock-tracker.ts';
import type { Pending } from './ingest-group.ts';
import type { RejectedEntry } from './parse-message.ts';

/** Per device over the whole group: highest seq, and the reading of its latest message. */
export type NewestByDevice = Map<string, { seq: number; receivedAt: number; reading: ClockReading }>;

/**
 * Turns each message's accepted events into records to store, with the device's clock offset
 * applied: amendments refused (`refused`) and times beyond the clock's bounds move to the
 * message's rejected entries. Returns the group's records and each device's newest reading.
 */
export function stampRecords(pending: readonly (Pending | null)[], refused: ReadonlyMap<FloorEvent, Pick<RejectedEntry, 'code' | 'message'>>, clock: ClockTracker): { records: StoredEventInput[]; newest: NewestByDevice } {
  const newest: NewestByDevice = new Map();
  const records: StoredEventInput[] = [];
  for (const p of pending) {
    if (!p) continue;
    const valid = refused.size ? p.accepted.filter(({ index: i, event }) => {
      const refusal = refused.get(event);
      if (refusal) p.rejected.push({ index: i, id: event.id, deviceId: event.deviceId, ...refusal, raw: event });
      return !refusal;
    }) : p.accepted;
    p.fallback = valid[0]?.event.deviceId ?? p.rejected.find((r) => r.deviceId)?.deviceId;
    const applied = observeClocks(p, valid, clock, newest);
    for (const { index: i, event } of valid) {
      const offset = applied.get(event.deviceId) ?? 0;
      const badTime = clock.isBeyondBounds(event.ts, offset, p.receivedAt);
      if (badTime !== null) {
        p.rejected.push({ index: i, id: event.id, deviceId: event.deviceId, code: 'bad-time', message: badTime, raw: event });
        continue;
      }
      const record: StoredEventInput = { event, receivedAt: p.receivedAt, clockOffsetMs: offset, correctedTs: correctTs(event.ts, offset, p.receivedAt), topic: p.topicName };
      p.records.push(record);
      p.indexes.push(i);
      records.push(record);
    }
  }
  return { records, newest };
}

/**
 * Clock offset from the newest event per device of one message (one sample per message), leaving
 * out times too far ahead to be a clock (they are refused by the bounds check). Returns the offset
 * applied per device and records each device's newest reading in `newest`.
 */
function observeClocks(p: Pending, valid: readonly { event: FloorEvent }[], clock: ClockTracker, newest: NewestByDevice): Map<string, number> {
  const inMessage = new Map<string, { ts: number; seq: number }>();
  for (const { event } of valid) {
    const ts = clock.isPlausible(event.ts, p.receivedAt) ? event.ts : -Infinity;
    const n = inMessage.get(event.deviceId);
    if (!n) inMessage.set(event.deviceId, { ts, seq: event.seq });
    else {
      n.ts = Math.max(n.ts, ts);
      n.seq = Math.max(n.seq, event.seq);
    }
  }
  const applied = new Map<string, number>();
  for (const [device, n] of inMessage) {
    if (n.ts === -Infinity) continue;
    const reading = clock.observe(device, n.ts, p.receivedAt);
    applied.set(device, reading.appliedMs);
    const before = newest.get(device);
    newest.set(device, { seq: Math.max(n.seq, before?.seq ?? -1), receivedAt: p.receivedAt, reading });
  }
  return applied;
}
