import type { DeadLetter, Device } from './storage.ts';

/** Rows as either driver returns them: PostgreSQL gives bigints as strings and real booleans. */
type Loose<T> = { [K in keyof T]: unknown };

export interface DeadLetterRow {
  id: number;
  received_at: number;
  topic: string;
  device_id: string | null;
  code: DeadLetter['code'];
  message: string;
  payload: string;
  payload_bytes: number;
  is_truncated: number | boolean;
}

export interface DeviceRow {
  device_id: string;
  last_seq: number;
  clock_offset_ms: number;
  last_seen_at: number;
  is_clock_flagged: number | boolean;
}

const isTrue = (value: unknown) => value === true || value === 1;

export function fromDeadLetterRow(row: DeadLetterRow | Loose<DeadLetterRow>): DeadLetter {
  return {
    id: Number(row.id),
    receivedAt: Number(row.received_at),
    topic: String(row.topic),
    ...(row.device_id === null || row.device_id === undefined ? {} : { deviceId: String(row.device_id) }),
    code: row.code as DeadLetter['code'],
    message: String(row.message),
    payload: String(row.payload),
    payloadBytes: Number(row.payload_bytes),
    isTruncated: isTrue(row.is_truncated),
  };
}

export function fromDeviceRow(row: DeviceRow | Loose<DeviceRow>): Device {
  return {
    deviceId: String(row.device_id),
    lastSeq: Number(row.last_seq),
    clockOffsetMs: Number(row.clock_offset_ms),
    lastSeenAt: Number(row.last_seen_at),
    isClockFlagged: isTrue(row.is_clock_flagged),
  };
}
