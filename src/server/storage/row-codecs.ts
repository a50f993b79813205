import { FloorboardError } from '../../core/errors.ts';
import type { DeadLetter, Device, DeviceClaim, DeviceRevocation, EventOrigin, ServiceRun } from './storage.ts';

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

/** The columns `findEventOrigins` selects, in both dialects. */
export const EVENT_ORIGIN_COLUMNS = 'id, type, author, device_id, line_id, station_id, ts, corrected_ts';

export function fromEventOriginRow(row: Record<string, unknown>): EventOrigin {
  return {
    id: String(row.id),
    type: row.type as EventOrigin['type'],
    author: String(row.author),
    deviceId: String(row.device_id),
    lineId: String(row.line_id),
    stationId: String(row.station_id),
    ts: Number(row.ts),
    correctedTs: Number(row.corrected_ts),
  };
}

export function fromDeviceClaimRow(row: Record<string, unknown>): DeviceClaim {
  return { deviceId: String(row.device_id), userId: String(row.user_id), claimedAt: Number(row.claimed_at) };
}

/** A revocation row (PostgreSQL hands bigints back as strings). */
export function fromDeviceRevocationRow(row: Record<string, unknown>): DeviceRevocation {
  return {
    id: Number(row.id),
    deviceId: String(row.device_id),
    revokedAt: Number(row.revoked_at),
    revokedBy: String(row.revoked_by),
    claimedBy: row.claimed_by === null || row.claimed_by === undefined ? null : String(row.claimed_by),
    reason: String(row.reason),
  };
}

/** A revocation as an entry of the admins' action log (GET /api/admin/actions), written with it. */
export function revocationAction(r: DeviceRevocation): { at: number; author: string; kind: string; reason: string; detail: string } {
  return { at: r.revokedAt, author: r.revokedBy, kind: 'revoke-device', reason: r.reason, detail: JSON.stringify({ deviceId: r.deviceId, claimedBy: r.claimedBy }) };
}

export interface RunRow {
  id: number | string;
  started_at: number | string;
  alive_at: number | string;
  ended_at: number | string | null;
}

/** A run-log row (PostgreSQL hands bigints back as strings). */
export function fromRunRow(row: RunRow): ServiceRun {
  return { id: Number(row.id), startedAt: Number(row.started_at), aliveAt: Number(row.alive_at), endedAt: row.ended_at === null ? null : Number(row.ended_at) };
}

/** Checks a run-log time and id before they reach SQL. */
export function checkRunTime(operation: string, at: number, runId = 0): void {
  if (!Number.isSafeInteger(at) || at < 0 || !Number.isSafeInteger(runId) || runId < 0)
    throw new FloorboardError('invalid-arguments', `${operation}: run id and time must be non-negative whole numbers (ms)`);
}
