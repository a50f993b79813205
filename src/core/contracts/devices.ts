import * as z from 'zod/mini';
import { epochMsSchema, topicIdSchema } from '../ids.schema.ts';

/**
 * A device's own report on `topics.deviceStatus` (MQTT, QoS 1, not retained): sent when it
 * connects, when its count of waiting entries changes (debounced) and every minute. The service
 * keeps the newest per device for the admins' device list; nothing else depends on it.
 */
export const deviceReportSchema = z.object({
  v: z.literal(1),
  deviceId: topicIdSchema,
  /** The app build the device runs (package version, or the gateway's). */
  appVersion: z.string().check(z.minLength(1), z.maxLength(64)),
  /** Entries in its outbox not yet acknowledged by the service (rejected ones excluded). */
  waiting: z.number().check(z.int(), z.minimum(0), z.maximum(10_000_000)),
  /** Entries the service refused that are still shown on the device. */
  rejected: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(10_000_000))),
  /** The station a tablet is enrolled to. */
  stationId: z.optional(topicIdSchema),
  /** Device clock at sending. */
  at: epochMsSchema,
});
export type DeviceReport = z.infer<typeof deviceReportSchema>;

export const deviceKinds = ['tablet', 'gateway', 'other'] as const;

/** One row of GET /api/devices: what the service stored, the claim, the newest report, any revocation. */
export const deviceViewSchema = z.object({
  deviceId: z.string(),
  /** From the role of whoever claimed it: a gateway's own id, else a tablet (or another screen). */
  kind: z.enum(deviceKinds),
  /** The reported station of a tablet; a gateway's stations from the plant. */
  stationIds: z.array(z.string()),
  claimedBy: z.nullable(z.string()),
  claimedAt: z.nullable(z.number()),
  /** When the service last stored one of its events. */
  lastSeenAt: z.nullable(z.number()),
  /** Device clock minus service clock, ms, as measured on its batches. */
  clockOffsetMs: z.nullable(z.number()),
  isClockFlagged: z.boolean(),
  appVersion: z.nullable(z.string()),
  waiting: z.nullable(z.number()),
  /** Service time of the newest report (null: none since the service started). */
  reportedAt: z.nullable(z.number()),
  /** The newest revocation, if any; a device claimed again since then is enrolled again. */
  revokedAt: z.nullable(z.number()),
  revokedBy: z.nullable(z.string()),
});
export type DeviceViewWire = z.infer<typeof deviceViewSchema>;
export const devicesSchema = z.object({ devices: z.array(deviceViewSchema) });
export type DevicesWire = z.infer<typeof devicesSchema>;

/** Body of POST /api/devices/:id/revoke. */
export const revokeRequestSchema = z.object({ reason: z.optional(z.string().check(z.maxLength(500))) });
export type RevokeRequestWire = z.infer<typeof revokeRequestSchema>;

/** Answer of POST /api/devices/:id/revoke. */
export const revocationSchema = z.object({
  deviceId: z.string(),
  revokedAt: z.number(),
  revokedBy: z.string(),
  /** Whose claim ended (null: the device was not claimed). */
  claimedBy: z.nullable(z.string()),
  /** Broker connections closed (embedded broker) or broker clients deleted (Mosquitto). */
  closedSessions: z.number(),
});
export type RevocationWire = z.infer<typeof revocationSchema>;
