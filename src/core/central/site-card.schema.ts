import * as z from 'zod/mini';
import { epochMsSchema, topicIdSchema } from '../ids.schema.ts';
import type { Plant } from '../plant.schema.ts';

const name = z.string().check(z.minLength(1), z.maxLength(500));

/**
 * What a site tells the centre about itself (issue 16, many sites), retained on `topics.siteCard`
 * and carried by the bridge: its areas and lines by name, so a central board can show them
 * before their first figures, and nothing secret (no users, no webhooks, no rules).
 */
export const siteCardSchema = z.object({
  v: z.literal(1),
  site: z.object({ id: topicIdSchema, name }),
  timezone: z.string().check(z.minLength(1), z.maxLength(100)),
  areas: z
    .array(
      z.object({
        id: topicIdSchema,
        name,
        lines: z.array(z.object({ id: topicIdSchema, name, targetOee: z.optional(z.number().check(z.minimum(0), z.maximum(1))) })).check(z.maxLength(500)),
      }),
    )
    .check(z.maxLength(200)),
  /** The site's plant configuration version the card was made from. */
  configVersion: z.number().check(z.int(), z.minimum(1)),
  at: epochMsSchema,
});
export type SiteCard = z.infer<typeof siteCardSchema>;

/** The card of a plant: names only. */
export function siteCardOf(plant: Plant, configVersion: number, at: number): SiteCard {
  return {
    v: 1,
    site: { id: plant.site.id, name: plant.site.name },
    timezone: plant.calendar.timezone,
    areas: plant.areas.map((a) => ({
      id: a.id,
      name: a.name,
      lines: a.lines.map((l) => ({ id: l.id, name: l.name, targetOee: l.targetOee })),
    })),
    configVersion,
    at,
  };
}
