import * as z from 'zod/mini';
import { topicIdSchema } from '../ids.schema.ts';
import { roleSchema } from '../plant.schema.ts';

/**
 * The admin's plant configuration API (issue 13, docs/api.md): versions of the plant, users
 * managed one at a time. The service builds these answers, the app and the CLI parse them.
 */

/** One stored version in the history: who, when, why, and what changed (core/plant-diff.ts). */
export const plantVersionSchema = z.object({
  version: z.number(),
  author: z.string(),
  reason: z.string(),
  createdAt: z.number(),
  diff: z.array(z.string()),
});
export type PlantVersionWire = z.infer<typeof plantVersionSchema>;

/** GET /api/admin/plant: the plant the service runs on, whole (secrets as hashes), and its version. */
export const currentPlantSchema = z.object({ version: z.number(), plant: z.unknown() });
export type CurrentPlantWire = z.infer<typeof currentPlantSchema>;

/** GET /api/admin/plant/versions: newest first. */
export const plantVersionsSchema = z.object({ versions: z.array(plantVersionSchema) });
export type PlantVersionsWire = z.infer<typeof plantVersionsSchema>;

/**
 * POST /api/admin/plant/preview: what applying would change, or every problem of the plant
 * ("path: why", one per line) when it does not pass the plant schema.
 */
export const plantPreviewSchema = z.object({ baseVersion: z.number(), diff: z.array(z.string()), problems: z.array(z.string()) });
export type PlantPreviewWire = z.infer<typeof plantPreviewSchema>;

/** PUT /api/admin/plant and the user routes: the version now running; `isApplied` false when nothing changed. */
export const plantAppliedSchema = z.object({ version: z.number(), isApplied: z.boolean(), diff: z.array(z.string()) });
export type PlantAppliedWire = z.infer<typeof plantAppliedSchema>;

/** A request that changes the plant says why (kept with the version) and may say which version it edited. */
const changeMeta = {
  reason: z.string().check(z.trim(), z.minLength(1, 'say why: it is kept with the version'), z.maxLength(2000)),
  baseVersion: z.optional(z.number().check(z.int(), z.minimum(1))),
};

/**
 * `effectiveFrom` (ms): when the version counts from; now when omitted. A changed reason loss
 * category, ideal cycle time or shift calendar keeps its old value before then
 * (core/plant-effective.ts), so the figures before it are not rewritten.
 */
const effectiveFrom = z.optional(z.number().check(z.int(), z.minimum(0)));
export const plantApplyRequestSchema = z.object({ plant: z.unknown(), effectiveFrom, ...changeMeta });
/** A plant checked and compared with the running one as it would apply at `effectiveFrom`. */
export const plantPreviewRequestSchema = z.object({ plant: z.unknown(), effectiveFrom });
export type PlantApplyRequest = z.infer<typeof plantApplyRequestSchema>;

/** A user as the admin list shows it: never a hash. */
export const adminUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  badge: z.optional(z.string()),
  stations: z.optional(z.array(z.string())),
  lines: z.optional(z.array(z.string())),
  areas: z.optional(z.array(z.string())),
  isDisabled: z.boolean(),
});
export type AdminUserWire = z.infer<typeof adminUserSchema>;
export const adminUsersSchema = z.object({ version: z.number(), users: z.array(adminUserSchema) });
export type AdminUsersWire = z.infer<typeof adminUsersSchema>;

/** An operator's PIN: digits, so the tablet's keypad can type it. */
const pinSchema = z.string().check(z.regex(/^\d{4,12}$/, 'must be 4 to 12 digits'));
const passwordSchema = z.string().check(z.minLength(10, 'must be at least 10 characters'), z.maxLength(256));
const ids = z.array(topicIdSchema).check(z.minLength(1, 'must name at least one'));

/** POST /api/admin/users: a new user with its secret in clear (hashed by the service, never stored clear). */
export const userAddRequestSchema = z.object({
  user: z.discriminatedUnion('role', [
    z.strictObject({ id: topicIdSchema, name: z.string().check(z.trim(), z.minLength(1)), role: z.literal('operator'), badge: z.string().check(z.trim(), z.minLength(1)), pin: pinSchema, stations: ids }),
    z.strictObject({ id: topicIdSchema, name: z.string().check(z.trim(), z.minLength(1)), role: z.literal('lead'), password: passwordSchema, lines: ids }),
    z.strictObject({ id: topicIdSchema, name: z.string().check(z.trim(), z.minLength(1)), role: z.literal('manager'), password: passwordSchema, areas: z.optional(ids) }),
    z.strictObject({ id: topicIdSchema, name: z.string().check(z.trim(), z.minLength(1)), role: z.literal('admin'), password: passwordSchema }),
    z.strictObject({ id: topicIdSchema, name: z.string().check(z.trim(), z.minLength(1)), role: z.literal('gateway'), password: passwordSchema, stations: ids }),
    z.strictObject({ id: topicIdSchema, name: z.string().check(z.trim(), z.minLength(1)), role: z.literal('importer'), password: passwordSchema, lines: ids }),
  ]),
  ...changeMeta,
});
export type UserAddRequest = z.infer<typeof userAddRequestSchema>;

/**
 * POST /api/admin/users/:id: a new name, badge, scope or role. Roles that sign in with a password
 * may change among themselves; an operator (badge and PIN) and a password role may not change into
 * each other: disable one and add the other.
 */
export const userEditRequestSchema = z.object({
  name: z.optional(z.string().check(z.trim(), z.minLength(1))),
  role: z.optional(roleSchema),
  badge: z.optional(z.string().check(z.trim(), z.minLength(1))),
  stations: z.optional(ids),
  lines: z.optional(ids),
  /** Empty: the whole site. */
  areas: z.optional(z.array(topicIdSchema)),
  /** The new PIN or password, needed (only) when the role signs in another way than before. */
  secret: z.optional(z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(256))),
  ...changeMeta,
});
export type UserEditRequest = z.infer<typeof userEditRequestSchema>;

/** POST /api/admin/users/:id/secret: a new PIN (operators) or password (everyone else). */
export const userSecretRequestSchema = z.object({ secret: z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(256)), ...changeMeta });
/** POST /api/admin/users/:id/disabled: disable (sessions end at once) or enable again. */
export const userDisabledRequestSchema = z.object({ isDisabled: z.boolean(), ...changeMeta });
/** The rule a new secret of each kind must meet, checked by the service before hashing. */
export const secretRules = { pin: pinSchema, password: passwordSchema };
