import * as z from 'zod/mini';
import { topicIdSchema } from '../ids.schema.ts';
import { secretHashSchema } from '../plant.schema.ts';

const name = z.string().check(z.minLength(1));
const userBase = { id: topicIdSchema, name, passwordHash: secretHashSchema, disabled: z.optional(z.boolean()) };

/**
 * The central file (issue 16, many sites): the company's sites and the people who watch them at
 * the centre. A manager sees the sites listed (every site when omitted); an admin sees every site.
 * Site plants (lines, shifts, operators) stay at their sites.
 */
export const centralFileSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    name,
    sites: z
      .array(
        z.strictObject({
          id: topicIdSchema,
          name,
          /** The account the site's bridge signs in with on the central broker (default `bridge-<id>`). */
          bridgeUser: z.optional(topicIdSchema),
        }),
      )
      .check(z.minLength(1)),
    users: z.array(
      z.discriminatedUnion('role', [
        z.strictObject({ ...userBase, role: z.literal('manager'), sites: z.optional(z.array(topicIdSchema).check(z.minLength(1))) }),
        z.strictObject({ ...userBase, role: z.literal('admin') }),
      ]),
    ),
  })
  .check(
    z.superRefine((file, ctx) => {
      const sites = new Set<string>();
      file.sites.forEach((s, i) => {
        if (sites.has(s.id)) ctx.addIssue({ code: 'custom', path: ['sites', i, 'id'], message: `site "${s.id}" is listed twice` });
        sites.add(s.id);
      });
      const users = new Set<string>();
      file.users.forEach((u, i) => {
        if (users.has(u.id)) ctx.addIssue({ code: 'custom', path: ['users', i, 'id'], message: `user "${u.id}" is listed twice` });
        users.add(u.id);
        if (u.role === 'manager')
          u.sites?.forEach((s, j) => {
            if (!sites.has(s)) ctx.addIssue({ code: 'custom', path: ['users', i, 'sites', j], message: `site "${s}" is not in sites` });
          });
      });
    }),
  );
export type CentralFile = z.infer<typeof centralFileSchema>;
export type CentralUser = CentralFile['users'][number];

/** The account a site's bridge signs in with on the central broker. */
export const bridgeUserOf = (site: CentralFile['sites'][number]) => site.bridgeUser ?? `bridge-${site.id}`;

/** The sites a central user may see. */
export function sitesOf(file: CentralFile, user: CentralUser): Set<string> {
  if (user.role === 'admin' || !user.sites) return new Set(file.sites.map((s) => s.id));
  return new Set(user.sites);
}
