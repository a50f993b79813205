import { z } from 'zod';

/**
 * An id that can stand as one MQTT topic level and one ACL pattern segment:
 * no spaces, no `/`, and none of MQTT's wildcard or system characters (`+`, `#`, `$`).
 * Lower-case letters, digits, `-` and `_`, starting with a letter or digit.
 */
export const topicIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(
    /^[a-z0-9][a-z0-9_-]*$/,
    'must be lower-case letters, digits, "-" or "_" (no spaces, "/", "+", "#" or "$"), starting with a letter or digit',
  );
export type TopicId = z.infer<typeof topicIdSchema>;

/** Event ids are made on the device: ULID (26 chars Crockford base32) or UUIDv7. */
export const eventIdSchema = z.union([
  z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID'),
  z.uuid({ version: 'v7', message: 'must be a ULID or UUIDv7' }),
]);
export type EventId = z.infer<typeof eventIdSchema>;

/** Milliseconds since the Unix epoch (UTC). */
export const epochMsSchema = z.number().int().min(0).max(8.64e15);
