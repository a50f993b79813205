import * as z from 'zod/mini';
import { topicIdSchema } from '../ids.schema.ts';
import { andonKinds } from './kinds.ts';

const seconds = z.number().check(z.positive(), z.maximum(7 * 86_400));

/** What makes a rule fire. Durations are seconds, so tests and plants use the same field. */
export const andonTriggerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    /** A stop open longer than `afterSec`; only for stops whose reason (or its category) is in `reasons`, when given. */
    kind: z.literal('stop'),
    afterSec: seconds,
    reasons: z.optional(z.array(topicIdSchema).check(z.minLength(1))),
  }),
  /** Running, but no part counted for `afterSec`. */
  z.strictObject({ kind: z.literal('no-count'), afterSec: seconds }),
  z.strictObject({
    /** Rejects above `percent` of the parts made over the last `windowSec` (once at least `minParts` were made). */
    kind: z.literal('scrap-rate'),
    percent: z.number().check(z.positive(), z.maximum(100)),
    windowSec: seconds,
    minParts: z._default(z.number().check(z.int(), z.minimum(1)), 10),
  }),
  /** The line has had no data (ADR 0009) for `afterSec`. */
  z.strictObject({ kind: z.literal('no-data'), afterSec: seconds }),
  /** An operator's call button on the tablet. */
  z.strictObject({ kind: z.literal('button') }),
]);
export type AndonTrigger = z.infer<typeof andonTriggerSchema>;

/** One escalation level: reached when the call is still unacknowledged `afterSec` after it was raised. */
export const escalationLevelSchema = z.strictObject({
  afterSec: z.number().check(z.minimum(0), z.maximum(7 * 86_400)),
  /** Who is told at this level (names a webhook receiver or a mail list understands, e.g. "maintenance"). */
  notify: z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1)),
});

export const andonRuleSchema = z.strictObject({
  id: topicIdSchema,
  /** The lines it watches; with `areas`, their lines too; neither: every line. */
  lines: z.optional(z.array(topicIdSchema)),
  areas: z.optional(z.array(topicIdSchema)),
  trigger: andonTriggerSchema,
  /** Who is called: what the call says on every screen. */
  call: z.enum(andonKinds),
  /** Roles that may acknowledge and resolve its calls (always within their own scope). */
  acknowledgedBy: z._default(z.array(z.enum(['operator', 'lead', 'manager', 'admin'])).check(z.minLength(1)), ['lead', 'manager', 'admin']),
  /** Level 1 is the first entry (usually `afterSec: 0`); times rise from level to level. */
  escalation: z.array(escalationLevelSchema).check(
    z.minLength(1),
    z.maxLength(9),
    z.refine((levels) => levels.every((l, i) => i === 0 || l.afterSec > (levels[i - 1]?.afterSec ?? 0)), 'escalation times must rise from level to level'),
  ),
});
export type AndonRule = z.infer<typeof andonRuleSchema>;

export const andonWebhookSchema = z.strictObject({
  id: topicIdSchema,
  url: z.url({ protocol: /^https?$/ }),
  /** Name of the environment variable that holds the HMAC secret (never the secret itself). */
  secretEnv: z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/, 'must be an environment variable name, e.g. "ANDON_WEBHOOK_SECRET"')),
  /** Only calls at these levels are sent (every level when omitted). */
  levels: z.optional(z.array(z.number().check(z.int(), z.minimum(1), z.maximum(9)))),
});
export type AndonWebhook = z.infer<typeof andonWebhookSchema>;

const emailAddress = z.email('must be an email address, e.g. "lead@plant.example"');

/** Who is mailed when a call reaches one escalation level. */
export const andonEmailLevelSchema = z.strictObject({
  level: z.number().check(z.int('must be a whole level number'), z.minimum(1, 'levels start at 1'), z.maximum(9, 'at most 9 levels')),
  to: z.array(emailAddress).check(z.minLength(1, 'must name at least one address')),
});

/**
 * Calls by email (the SMTP server itself is the service's: SMTP_HOST, SMTP_PORT, SMTP_SECURE,
 * SMTP_USER, and SMTP_PASSWORD or SMTP_PASSWORD_FILE, never in the plant file). A call is mailed
 * when it is raised and each time it escalates, to the list of the level it reached.
 */
export const andonEmailSchema = z.strictObject({
  from: emailAddress,
  levels: z.array(andonEmailLevelSchema).check(
    z.minLength(1, 'must list the recipients of at least one level'),
    z.refine((levels) => new Set(levels.map((l) => l.level)).size === levels.length, 'each level may be listed once'),
  ),
});
export type AndonEmail = z.infer<typeof andonEmailSchema>;

/** The plant file's `andon` section. */
export const andonConfigSchema = z.strictObject({
  rules: z._default(z.array(andonRuleSchema), []),
  webhooks: z._default(z.array(andonWebhookSchema), []),
  email: z.optional(andonEmailSchema),
});
export type AndonConfig = z.infer<typeof andonConfigSchema>;

/** Cross-references of the andon section: every line, area and reason a rule names exists. */
export function andonIssues(
  config: AndonConfig,
  known: { lines: ReadonlySet<string>; areas: ReadonlySet<string>; reasons: ReadonlySet<string> },
): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const ids = new Set<string>();
  config.rules.forEach((r, ri) => {
    if (ids.has(r.id)) out.push({ path: ['andon', 'rules', ri, 'id'], message: `duplicate andon rule id "${r.id}"` });
    ids.add(r.id);
    r.lines?.forEach((id, k) => known.lines.has(id) || out.push({ path: ['andon', 'rules', ri, 'lines', k], message: `unknown line "${id}"` }));
    r.areas?.forEach((id, k) => known.areas.has(id) || out.push({ path: ['andon', 'rules', ri, 'areas', k], message: `unknown area "${id}"` }));
    if (r.trigger.kind === 'stop')
      r.trigger.reasons?.forEach((id, k) => known.reasons.has(id) || out.push({ path: ['andon', 'rules', ri, 'trigger', 'reasons', k], message: `unknown reason "${id}"` }));
  });
  const hooks = new Set<string>();
  config.webhooks.forEach((w, wi) => {
    if (hooks.has(w.id)) out.push({ path: ['andon', 'webhooks', wi, 'id'], message: `duplicate webhook id "${w.id}"` });
    hooks.add(w.id);
  });
  return out;
}
