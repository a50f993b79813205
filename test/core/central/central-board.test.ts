import { describe, expect, it } from 'vitest';
import { absorbSiteMessage, centralBoard, emptySiteLive, MAX_UNCARDED_IDS, SITE_SILENT_MS, type SiteLive } from '../../../src/core/central/central-board.ts';
import { centralFileSchema, sitesOf, type CentralFile } from '../../../src/core/central/central.schema.ts';
import { siteCardOf } from '../../../src/core/central/site-card.schema.ts';
import { describeIssues, plantSchema } from '../../../src/core/index.ts';
import fixture from '../../fixtures/test.plant.json' with { type: 'json' };

const HASH = 'scrypt$16384$8$1$c2FsdA==$a2V5';
const file: CentralFile = centralFileSchema.parse({
  schemaVersion: 1,
  name: 'Acme',
  sites: [{ id: 'north', name: 'Nord' }, { id: 'south', name: 'Süd' }],
  users: [
    { id: 'boss', name: 'Boss', role: 'admin', passwordHash: HASH },
    { id: 'mgr-s', name: 'Süd', role: 'manager', sites: ['south'], passwordHash: HASH },
    { id: 'mgr-all', name: 'All', role: 'manager', passwordHash: HASH },
  ],
});
const plant = plantSchema.parse({ ...fixture, site: { id: 'north', name: 'Werk Nord' } });
const snapshot = (scope: 'line' | 'area' | 'site', id: string, at: number, extra: Record<string, unknown> = {}) => ({
  v: 1, scope, id, siteId: 'north', shiftId: null, from: 0, to: at, at, availability: 0.5, performance: 1, quality: 1, oee: 0.5,
  isScheduled: true, isPerformanceOverLimit: false, plannedMs: 1000, noDataMs: 0, coverage: 1, runMs: 500, stopMs: 500, good: 10, reject: 0, total: 10, stopCount: 1, topLosses: [], ...extra,
});
const status = (lineId: string, updatedAt: number, extra: Record<string, unknown> = {}) => ({
  v: 1, siteId: 'north', areaId: 'assembly', lineId, state: 'running', since: 0, stopId: null, reasonId: null, isAwaitingReason: false, productId: null, shiftId: null, operatorId: null, updatedAt, ...extra,
});

describe('the central board (core/central)', () => {
  it('lists the sites a user may see, in the central file\'s order, with the areas and lines of each site\'s card', () => {
    const live = new Map<string, SiteLive>([['north', emptySiteLive()]]);
    const north = live.get('north')!;
    expect(absorbSiteMessage(north, 'card', 'north', siteCardOf(plant, 3, 1000), 1000)).toEqual({ ok: true, isNewer: true });
    absorbSiteMessage(north, 'line-oee', 'line-a', snapshot('line', 'line-a', 1000), 1000);
    absorbSiteMessage(north, 'site-oee', 'north', snapshot('site', 'north', 1000), 1000);
    const all = centralBoard(file, live, sitesOf(file, file.users[0]!), 2000);
    // The centre's names: the card says 'Werk Nord', the central file 'Nord'.
    expect(all.sites.map((s) => [s.id, s.name])).toEqual([['north', 'Nord'], ['south', 'Süd']]);
    expect(all.sites[0]!.areas.map((a) => [a.id, a.lines.map((l) => l.name)])).toEqual([['assembly', ['Line A', 'Line B']], ['packing', ['Line C']]]);
    expect(all.sites[0]!.areas[0]!.lines[0]!.oee?.good).toBe(10);
    expect(all.sites[0]!.oee?.scope).toBe('site');
    // A site never heard from is silent, and so is one quiet for longer than SITE_SILENT_MS.
    expect(all.sites.map((s) => s.isSilent)).toEqual([false, true]);
    expect(centralBoard(file, live, sitesOf(file, file.users[0]!), 1000 + SITE_SILENT_MS + 1).sites[0]!.isSilent).toBe(true);
    expect(centralBoard(file, live, sitesOf(file, file.users[1]!), 2000).sites.map((s) => s.id)).toEqual(['south']);
    expect(sitesOf(file, file.users[2]!)).toEqual(new Set(['north', 'south']));
  });

  it('never lets an older message replace a newer one: by version from a cluster, else by time; a bad one is refused with its issues', () => {
    const l = emptySiteLive();
    absorbSiteMessage(l, 'line-status', 'line-a', status('line-a', 2000, { version: 5 }), 2000);
    expect(absorbSiteMessage(l, 'line-status', 'line-a', status('line-a', 3000, { version: 4, state: 'stopped' }), 3000)).toEqual({ ok: true, isNewer: false });
    expect(l.lineStatus.get('line-a')?.state).toBe('running');
    absorbSiteMessage(l, 'line-status', 'line-a', status('line-a', 2500, { version: 6, state: 'stopped' }), 3000);
    expect(l.lineStatus.get('line-a')?.state).toBe('stopped');
    // Single services carry no version: the later moment wins (a bridge's queue, then the retained copy again).
    absorbSiteMessage(l, 'area-oee', 'assembly', snapshot('area', 'assembly', 5000, { good: 50 }), 5000);
    expect(absorbSiteMessage(l, 'area-oee', 'assembly', snapshot('area', 'assembly', 4000, { good: 40 }), 6000).ok).toBe(true);
    expect(l.areaOee.get('assembly')?.good).toBe(50);
    expect(l.heardAt).toBe(6000);
    const bad = absorbSiteMessage(l, 'line-oee', 'line-a', { v: 1, scope: 'line', oee: 'lots' }, 7000);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.join('; ')).toMatch(/id|oee/);
  });

  it('holds figures for every line and area on the site\'s card, and a bounded number of others (a hostile site cannot grow the centre\'s memory)', () => {
    const l = emptySiteLive();
    for (let i = 0; i < MAX_UNCARDED_IDS; i++) expect(absorbSiteMessage(l, 'line-status', `x-${i}`, status(`x-${i}`, 1000), 1000).ok).toBe(true);
    expect(absorbSiteMessage(l, 'line-status', 'one-more', status('one-more', 1000), 1000)).toEqual({ ok: false, problems: [`line "one-more" is not on the site's card, and ${MAX_UNCARDED_IDS} such ids are held`] });
    // A held line's newer figures still come in.
    expect(absorbSiteMessage(l, 'line-status', 'x-1', status('x-1', 2000, { state: 'stopped' }), 2000)).toEqual({ ok: true, isNewer: true });
    // The card came: what it does not list is let go.
    absorbSiteMessage(l, 'card', 'north', siteCardOf(plant, 3, 3000), 3000);
    expect([...l.lineStatus.keys()]).toEqual([]);
    // A new line's status may come before the card that names it: taken, within the bound.
    expect(absorbSiteMessage(l, 'line-status', 'line-new', status('line-new', 3000), 3000)).toEqual({ ok: true, isNewer: true });
    for (let i = 0; i < MAX_UNCARDED_IDS; i++) absorbSiteMessage(l, 'line-oee', `y-${i}`, snapshot('line', `y-${i}`, 3000), 3000);
    expect(absorbSiteMessage(l, 'line-oee', 'y-too-many', snapshot('line', 'y-too-many', 3000), 3000).ok).toBe(false);
    expect(absorbSiteMessage(l, 'area-oee', 'nowhere', snapshot('area', 'nowhere', 3000), 3000).ok).toBe(true);
    // The lines and areas on the card are always taken, however many others came.
    expect(absorbSiteMessage(l, 'line-oee', 'line-a', snapshot('line', 'line-a', 3000), 3000)).toEqual({ ok: true, isNewer: true });
    expect(absorbSiteMessage(l, 'area-oee', 'assembly', snapshot('area', 'assembly', 3000), 3000)).toEqual({ ok: true, isNewer: true });
  });


  it('builds areas and lines from the statuses that came before the card, named by their ids', () => {
    const l = emptySiteLive();
    absorbSiteMessage(l, 'line-status', 'line-b', status('line-b', 1000), 1000);
    const b = centralBoard(file, new Map([['north', l]]), new Set(['north']), 1000);
    expect(b.sites[0]!.areas).toMatchObject([{ id: 'assembly', name: 'assembly', lines: [{ id: 'line-b', name: 'line-b' }] }]);
  });

  it('refuses a central file with repeated sites or users, or a manager of a site not listed, naming each path', () => {
    const r = centralFileSchema.safeParse({
      schemaVersion: 1, name: 'Acme',
      sites: [{ id: 'north', name: 'N' }, { id: 'north', name: 'N2' }],
      users: [{ id: 'm', name: 'M', role: 'manager', sites: ['west'], passwordHash: HASH }, { id: 'm', name: 'M2', role: 'admin', passwordHash: HASH }],
    });
    expect(r.success).toBe(false);
    const issues = describeIssues(r.error!).join('\n');
    expect(issues).toContain('sites.1.id: site "north" is listed twice');
    expect(issues).toContain('users.0.sites.0: site "west" is not in sites');
    expect(issues).toContain('users.1.id: user "m" is listed twice');
  });

  it('carries names only in the site card: no users, hashes, webhooks or rules', () => {
    const card = JSON.stringify(siteCardOf(plant, 1, 0));
    expect(card).not.toMatch(/Hash|badge|webhook|andon|users/);
  });
});
