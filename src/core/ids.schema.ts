// Core schemas are written with zod/mini: the same validators as classic zod, but tree-shakable,
// so the tablet's first screen carries far fewer bytes (docs/benchmarks.md, "Operator tablet").
// zod/mini ships no messages of its own: the English ones are set here, once, for every user of core.
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());

/**
 * An id that can stand as one MQTT topic level and one ACL pattern segment:
 * no spaces, no `/`, and none of MQTT's wildcard or system characters (`+`, `#`, `$`).
 * Lower-case letters, digits, `-` and `_`, starting with a letter or digit.
 */
export const topicIdSchema = z.string().check(
  z.minLength(1, 'must not be empty'),
  z.maxLength(64, 'must be at most 64 characters'),
  z.regex(
    /^[a-z0-9][a-z0-9_-]*$/,
    'must be lower-case letters, digits, "-" or "_" (no spaces, "/", "+", "#" or "$"), starting with a letter or digit',
  ),
);
export type TopicId = z.infer<typeof topicIdSchema>;

/** Event ids are made on the device: ULID (26 chars Crockford base32) or UUIDv7. */
export const eventIdSchema = z.union([
  z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID')),
  z.uuid({ version: 'v7', message: 'must be a ULID or UUIDv7' }),
]);
export type EventId = z.infer<typeof eventIdSchema>;

/** Milliseconds since the Unix epoch (UTC). */
export const epochMsSchema = z.number().check(z.int(), z.minimum(0), z.maximum(8.64e15));
