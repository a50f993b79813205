import * as z from 'zod/mini';
import { rosterSchema, type RosterEntry } from '../../core/contracts/roster.ts';
import { plantSchema, type Plant } from '../../core/plant.schema.ts';
import { topicIdSchema } from '../../core/ids.schema.ts';
import type { Db } from './db.ts';

/** Operators are cached for offline sign-in as GET /api/roster sends them: scrypt hash, never the PIN. */
export type { RosterEntry };

/** Which station this tablet is enrolled to, set once by a lead or admin. */
export const enrolmentSchema = z.object({
  deviceId: topicIdSchema,
  site: topicIdSchema,
  area: topicIdSchema,
  line: topicIdSchema,
  station: topicIdSchema,
  enrolledBy: topicIdSchema,
  enrolledAt: z.number().check(z.int()),
  /** Set when the service said an admin revoked this tablet: it must be enrolled again (which replaces this record). */
  revokedAt: z.optional(z.number().check(z.int())),
});
export type Enrolment = z.infer<typeof enrolmentSchema>;

/** When this tablet last had an entry acknowledged (`meta` key `last-sync`), kept across reloads. */
export const lastSyncSchema = z.object({ at: z.number().check(z.int(), z.positive()) });

export const localeSchema = z.enum(['en', 'de']);
export type Locale = z.infer<typeof localeSchema>;

/** The signed-in operator. `token` is absent after an offline sign-in. */
export const sessionSchema = z.object({
  user: z.object({ id: topicIdSchema, name: z.string() }),
  signedInAt: z.number().check(z.int()),
  isOffline: z.boolean(),
  locale: localeSchema,
});
export type Session = z.infer<typeof sessionSchema>;

/** The newest valid token on this device: used to sync entries, whoever made them. */
// `bearer` is the HTTP token; absent in records stored before it was kept (then `token` serves both).
/**
 * The broker account a sign-in gave: `userId` is the MQTT user name, the user's id on the embedded
 * broker, `<user>@<device>` on an external broker with dynamic security (one client per session).
 */
const brokerUserSchema = z.string().check(z.maxLength(129), z.regex(/^[a-z0-9][a-z0-9_-]*(@[a-z0-9][a-z0-9_-]*)?$/, 'must be a user id, or <user id>@<device id>'));
export const credentialsSchema = z.object({ userId: brokerUserSchema, token: z.string().check(z.minLength(1)), expiresAt: z.number().check(z.int()), bearer: z.optional(z.string().check(z.minLength(1))) });
export type Credentials = z.infer<typeof credentialsSchema>;

/** The plant as the service sends it (no users) parsed with the core schema. */
export function parsePlant(raw: unknown): Plant {
  const base = z.looseObject({}).parse(raw);
  return plantSchema.parse({ ...base, users: [] });
}

/** Device settings in `meta`; `pin-attempts` counts wrong offline PINs (see domain/pin-attempts.ts). */
// What the tablet last heard is kept in `cache` (kept-live.ts).
type MetaKey = 'enrolment' | 'session' | 'credentials' | 'locale' | 'pin-attempts' | 'config-version';

/** Reads and writes the cached plant, roster, enrolment, session and credentials, each zod-checked on read. */
export class CacheIdb {
  constructor(private readonly db: Db) {}

  /** The cached plant, or null when there is none or it is not valid (any more). */
  static plant(raw: unknown): Plant | null {
    if (raw === undefined) return null;
    try {
      return parsePlant(raw);
    } catch {
      return null;
    }
  }
  /** The cached roster; empty when there is none or it is not valid. */
  static roster(raw: unknown): RosterEntry[] {
    const parsed = rosterSchema.safeParse(raw);
    return parsed.success ? parsed.data : [];
  }
  /** A `meta` value read at start, or null when absent or not valid. */
  static parse<T>(raw: unknown, schema: z.ZodMiniType<T>): T | null {
    const parsed = schema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  }
  async savePlantAndRoster(plant: unknown, roster: RosterEntry[]): Promise<void> {
    const tx = this.db.transaction('cache', 'readwrite');
    await Promise.all([tx.store.put(plant, 'plant'), tx.store.put(roster, 'roster'), tx.done]);
  }
  async get<T>(key: MetaKey, schema: z.ZodMiniType<T>): Promise<T | null> {
    return CacheIdb.parse(await this.db.get('meta', key), schema);
  }
  async put(key: MetaKey, value: unknown): Promise<void> {
    await this.db.put('meta', value, key);
  }
  async delete(key: MetaKey): Promise<void> {
    await this.db.delete('meta', key);
  }
}
