import * as z from 'zod/mini';
import { epochMsSchema, topicIdSchema } from '../ids.schema.ts';
import { isNewerLive } from '../live-version.ts';
import { lineStatusSchema, oeeSnapshotSchema, type LineStatus, type OeeSnapshot } from '../live.schema.ts';
import type { CentralFile } from './central.schema.ts';
import { siteCardSchema, type SiteCard } from './site-card.schema.ts';
import { describeIssues } from '../events.schema.ts';

/** A site not heard from for this long is shown as cut off: its figures are as they last came. */
export const SITE_SILENT_MS = 90_000;

const name = z.string().check(z.minLength(1));

/** GET /api/central/board: the sites a user may see, each with its areas and lines and their live figures. */
export const centralBoardSchema = z.object({
  v: z.literal(1),
  name,
  at: epochMsSchema,
  sites: z.array(
    z.object({
      id: topicIdSchema,
      name,
      timezone: z.nullable(z.string()),
      /** When the centre last heard anything from the site (null: never). */
      heardAt: z.nullable(epochMsSchema),
      /** Not heard from for SITE_SILENT_MS: its link to the centre is down, or the site is. */
      isSilent: z.boolean(),
      oee: z.nullable(oeeSnapshotSchema),
      areas: z.array(
        z.object({
          id: topicIdSchema,
          name,
          oee: z.nullable(oeeSnapshotSchema),
          lines: z.array(z.object({ id: topicIdSchema, name, status: z.nullable(lineStatusSchema), oee: z.nullable(oeeSnapshotSchema) })),
        }),
      ),
    }),
  ),
});
export type CentralBoard = z.infer<typeof centralBoardSchema>;

/** What the centre holds of one site: the newest of each retained message the bridge carried. */
export interface SiteLive {
  card: SiteCard | null;
  heardAt: number | null;
  lineStatus: Map<string, LineStatus>;
  lineOee: Map<string, OeeSnapshot>;
  areaOee: Map<string, OeeSnapshot>;
  siteOee: OeeSnapshot | null;
}

export const emptySiteLive = (): SiteLive => ({ card: null, heardAt: null, lineStatus: new Map(), lineOee: new Map(), areaOee: new Map(), siteOee: null });

/**
 * Whether `next` may replace `current`: a later leader's or publish's version, and never an
 * earlier moment (messages queued by a bridge arrive in order, but a retained one is sent again
 * on every new subscription).
 */
export function replaces<T extends { version?: number | undefined }>(current: T | null | undefined, next: T, timeOf: (m: T) => number): boolean {
  if (!current) return true;
  if (current.version !== undefined && next.version !== undefined) return isNewerLive(current, next);
  return timeOf(next) >= timeOf(current);
}

/**
 * Lines or areas of a site held that its card does not list (it has not come yet, or a new line's
 * status came before the card that names it): a site (or whoever has its bridge account) cannot
 * grow the centre's memory without end by publishing figures under ever new ids.
 */
export const MAX_UNCARDED_IDS = 1000;

/** A message of the site came (figures or entries): it is not silent. */
export function heardFrom(live: SiteLive, at: number): void {
  live.heardAt = Math.max(live.heardAt ?? 0, at);
}

/** Takes one retained message of a site in; `isNewer` false when it is older than what is held. */
export function absorbSiteMessage(live: SiteLive, kind: 'card' | 'line-status' | 'line-oee' | 'area-oee' | 'site-oee', id: string, json: unknown, heardAt: number): { ok: true; isNewer: boolean } | { ok: false; problems: string[] } {
  heardFrom(live, heardAt);
  const put = <T extends { version?: number | undefined }>(map: Map<string, T>, value: T, timeOf: (m: T) => number): { ok: true; isNewer: boolean } | { ok: false; problems: string[] } => {
    if (!map.has(id)) {
      const isOnCard = live.card ? (kind === 'area-oee' ? live.card.areas.some((a) => a.id === id) : live.card.areas.some((a) => a.lines.some((l) => l.id === id))) : false;
      if (!isOnCard && map.size >= MAX_UNCARDED_IDS) return { ok: false, problems: [`${kind === 'area-oee' ? 'area' : 'line'} "${id}" is not on the site's card, and ${MAX_UNCARDED_IDS} such ids are held`] };
    }
    const isNewer = replaces(map.get(id), value, timeOf);
    if (isNewer) map.set(id, value);
    return { ok: true as const, isNewer };
  };
  if (kind === 'card') {
    const r = siteCardSchema.safeParse(json);
    if (!r.success) return { ok: false, problems: describeIssues(r.error) };
    const isNewer = !live.card || r.data.at >= live.card.at;
    if (isNewer) {
      live.card = r.data;
      // Figures of lines and areas the card no longer lists are let go.
      const lines = new Set(r.data.areas.flatMap((a) => a.lines.map((l) => l.id)));
      const areas = new Set(r.data.areas.map((a) => a.id));
      for (const map of [live.lineStatus, live.lineOee]) for (const key of map.keys()) if (!lines.has(key)) map.delete(key);
      for (const key of live.areaOee.keys()) if (!areas.has(key)) live.areaOee.delete(key);
    }
    return { ok: true, isNewer };
  }
  if (kind === 'line-status') {
    const r = lineStatusSchema.safeParse(json);
    return r.success ? put(live.lineStatus, r.data, (m) => m.updatedAt) : { ok: false, problems: describeIssues(r.error) };
  }
  const r = oeeSnapshotSchema.safeParse(json);
  if (!r.success) return { ok: false, problems: describeIssues(r.error) };
  if (kind === 'line-oee') return put(live.lineOee, r.data, (m) => m.at);
  if (kind === 'area-oee') return put(live.areaOee, r.data, (m) => m.at);
  const isNewer = replaces(live.siteOee, r.data, (m) => m.at);
  if (isNewer) live.siteOee = r.data;
  return { ok: true, isNewer };
}

/**
 * The central board of the sites a user may see, in the central file's order: each site's areas
 * and lines from its card (or, before the card came, from the figures that did), with the
 * figures each site's own engine computed and published. The roll-ups of an area and a site are
 * the site's: the same engine, over the same shift window.
 */
export function centralBoard(file: CentralFile, live: ReadonlyMap<string, SiteLive>, visible: ReadonlySet<string>, at: number): CentralBoard {
  return {
    v: 1,
    name: file.name,
    at,
    sites: file.sites
      .filter((s) => visible.has(s.id))
      .map((s) => {
        const l = live.get(s.id) ?? emptySiteLive();
        const areas = l.card
          ? l.card.areas.map((a) => ({ id: a.id, name: a.name, lineNames: a.lines.map((x) => [x.id, x.name] as const) }))
          : areasFromFigures(l);
        return {
          id: s.id,
          // The centre's name for the site: a site's card cannot present it as another.
          name: s.name,
          timezone: l.card?.timezone ?? null,
          heardAt: l.heardAt,
          isSilent: l.heardAt === null || at - l.heardAt > SITE_SILENT_MS,
          oee: l.siteOee,
          areas: areas.map((a) => ({
            id: a.id,
            name: a.name,
            oee: l.areaOee.get(a.id) ?? null,
            lines: a.lineNames.map(([id, lineName]) => ({ id, name: lineName, status: l.lineStatus.get(id) ?? null, oee: l.lineOee.get(id) ?? null })),
          })),
        };
      }),
  };
}

/** Areas and lines known only from their statuses (no card yet): named by their ids. */
function areasFromFigures(l: SiteLive): { id: string; name: string; lineNames: (readonly [string, string])[] }[] {
  const byArea = new Map<string, Set<string>>();
  for (const s of l.lineStatus.values()) byArea.set(s.areaId, (byArea.get(s.areaId) ?? new Set()).add(s.lineId));
  return [...byArea].map(([id, lines]) => ({ id, name: id, lineNames: [...lines].map((x) => [x, x] as const) }));
}
