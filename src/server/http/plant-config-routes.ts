import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { describeIssues, FloorboardError, plantSchema, type Plant, type User } from '../../core/index.ts';
import { plantDiff } from '../../core/plant-diff.ts';
import { withEffectiveTime } from '../../core/plant-effective.ts';
import {
  plantApplyRequestSchema, plantPreviewRequestSchema, secretRules, userAddRequestSchema, userEditRequestSchema, userDisabledRequestSchema, userSecretRequestSchema,
  type AdminUsersWire, type CurrentPlantWire, type UserAddRequest, type UserEditRequest, type PlantAppliedWire, type PlantPreviewWire, type PlantVersionsWire,
} from '../../core/contracts/plant-config.ts';
import { topicIdSchema } from '../../core/ids.schema.ts';
import { hashSecret } from '../auth/secrets.ts';
import type { PlantApplyResult, PlantHolder } from '../plant-config/plant-holder.ts';
import type { Storage } from '../storage/storage.ts';
import type { Monitoring } from '../../core/oee/no-data.ts';
import { recomputeRequestSchema, type AdminActionsWire, type RecomputeAnswerWire } from '../../core/contracts/recompute.ts';
import { recomputeHistory } from '../plant-config/recompute.ts';
import { requireAuth, type ApiEnv } from './app-context.ts';
import type { TokenService } from '../auth/tokens.ts';
import { sends } from './contract.ts';
import { adminRateLimit, type AdminRateLimit } from './admin-rate.ts';
import { parseInput } from './http-errors.ts';

export interface PlantConfigDeps {
  holder: PlantHolder;
  storage: Storage;
  tokens: TokenService;
  now: () => number;
  monitoring?: (lineIds: readonly string[]) => Promise<Monitoring>;
  /** Changing requests per admin (tests make it small). */
  rate?: AdminRateLimit;
}

async function bodyOf(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new FloorboardError('invalid-arguments', 'body must be JSON');
  }
}

/** Every problem of a plant, "path: why", or the plant; a running service cannot move to another site. */
function checkPlant(raw: unknown, current: Plant): { plant: Plant | null; problems: string[] } {
  const result = plantSchema.safeParse(raw);
  if (!result.success) return { plant: null, problems: describeIssues(result.error) };
  if (result.data.site.id !== current.site.id)
    return { plant: null, problems: [`site.id: is "${current.site.id}" on this service; every topic and stored event is named by it, so it cannot change here`] };
  return { plant: result.data, problems: [] };
}

function validPlant(raw: unknown, current: Plant): Plant {
  const { plant, problems } = checkPlant(raw, current);
  if (!plant) throw new FloorboardError('invalid-plant', `the plant is invalid (${problems.length === 1 ? '1 problem' : `${problems.length} problems`})`, { details: problems });
  return plant;
}

const applied = (r: PlantApplyResult): PlantAppliedWire =>
  r.isApplied ? { version: r.change.version, isApplied: true, diff: r.change.diff } : { version: r.version, isApplied: false, diff: [] };

function userView(u: User): AdminUsersWire['users'][number] {
  const scope = { ...('badge' in u ? { badge: u.badge } : {}), ...('stations' in u ? { stations: u.stations } : {}), ...('lines' in u ? { lines: u.lines } : {}), ...('areas' in u && u.areas ? { areas: u.areas } : {}) };
  return { id: u.id, name: u.name, role: u.role, ...scope, isDisabled: u.disabled === true };
}

const userIdParam = z.object({ id: topicIdSchema });

/**
 * A user with a new name, badge, scope or role; the plant schema checks the result as a whole
 * (every problem by field). A role that signs in another way (an operator's badge and PIN, every
 * other role's password) needs the new secret in the same change, so nobody is left unable to
 * sign in, and the old secret stops working with it.
 */
async function editedUser(u: User, e: UserEditRequest): Promise<User> {
  const role = e.role ?? u.role;
  const isPin = role === 'operator';
  const { stations: _s, lines: _l, areas: _a, badge: _b, pinHash: _p, passwordHash: _h, ...base } = u as User & { stations?: string[]; lines?: string[]; areas?: string[]; badge?: string; pinHash?: string; passwordHash?: string };
  const next: Record<string, unknown> = { ...base, role, ...(e.name ? { name: e.name } : {}) };
  if (isPin !== (u.role === 'operator')) {
    const kind = isPin ? 'PIN' : 'password';
    if (e.secret === undefined) throw new FloorboardError('invalid-arguments', 'invalid user change', { details: [`secret: ${u.role} "${u.id}" becomes ${role} and signs in with ${isPin ? 'badge and PIN' : 'a password'} then: give the new ${kind} in the same change`] });
    const checked = (isPin ? secretRules.pin : secretRules.password).safeParse(e.secret);
    if (!checked.success) throw new FloorboardError('invalid-arguments', `invalid ${kind}`, { details: [`secret: ${checked.error.issues[0]?.message ?? 'invalid'}`] });
    next[isPin ? 'pinHash' : 'passwordHash'] = await hashSecret(e.secret);
  } else if (isPin) next.pinHash = (u as { pinHash: string }).pinHash;
  else next.passwordHash = (u as { passwordHash: string }).passwordHash;
  if (isPin) next.badge = e.badge ?? (u as { badge?: string }).badge;
  const scope = (key: 'stations' | 'lines' | 'areas') => e[key] ?? (u as Record<string, unknown>)[key];
  if (role === 'operator' || role === 'gateway') next.stations = scope('stations');
  if (role === 'lead' || role === 'importer') next.lines = scope('lines');
  if (role === 'manager') {
    const areas = scope('areas') as string[] | undefined;
    if (areas?.length) next.areas = areas;
  }
  return next as User;
}

/** The user as the plant stores it: the secret given in clear, hashed (never stored or logged clear). */
async function hashedUser(user: UserAddRequest['user']): Promise<User> {
  if (user.role === 'operator') {
    const { pin, ...rest } = user;
    return { ...rest, pinHash: await hashSecret(pin) };
  }
  const { password, ...rest } = user;
  return { ...rest, passwordHash: await hashSecret(password) };
}

/**
 * The admin's plant configuration (issue 13): the plant as versions, and users one at a time.
 * Admins only; every change is a new stored version authored by the signed-in admin with the
 * reason given and its diff (the audit trail of configuration), applied live at once.
 */
export function plantConfigRoutes(deps: PlantConfigDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { holder } = deps;
  app.use('/admin/*', requireAuth(deps.tokens), async (c, next) => {
    if (c.get('principal').role !== 'admin') throw new FloorboardError('forbidden', 'the plant configuration is for admins');
    await next();
  });
  app.use('/admin/*', adminRateLimit(deps.now, deps.rate));
  const author = (c: Context<ApiEnv>) => c.get('principal').id;
  /** Applies a change to the current plant made by `edit`, checked as a whole plant. */
  const change = async (c: Context<ApiEnv>, meta: { reason: string; baseVersion?: number | undefined }, edit: (users: User[]) => User[]) => {
    const current = holder.plant();
    const next = validPlant({ ...current, users: edit([...current.users]) }, current);
    return c.json(sends<PlantAppliedWire>(applied(await holder.apply(next, { author: author(c), reason: meta.reason, ...(meta.baseVersion ? { baseVersion: meta.baseVersion } : {}) }))));
  };
  const existing = (id: string): User => {
    const user = holder.findUser(id);
    if (!user) throw new FloorboardError('not-found', `no user "${id}" in the plant`);
    return user;
  };

  app.get('/admin/plant', (c) => c.json(sends<CurrentPlantWire>({ version: holder.version(), plant: holder.plant() })));
  app.get('/admin/plant/versions', async (c) => {
    const versions = await deps.storage.listPlantVersions(200);
    return c.json(sends<PlantVersionsWire>({ versions: versions.map(({ sourceHash: _hash, ...v }) => v) }));
  });
  app.post('/admin/plant/preview', async (c) => {
    const body = parseInput(plantPreviewRequestSchema, await bodyOf(c), 'preview request');
    const current = holder.plant();
    const { plant, problems } = checkPlant(body.plant, current);
    // The diff of what would be stored: with the earlier values its effective time keeps.
    return c.json(sends<PlantPreviewWire>({ baseVersion: holder.version(), diff: plant ? plantDiff(current, withEffectiveTime(current, plant, body.effectiveFrom ?? deps.now())) : [], problems }));
  });
  app.put('/admin/plant', async (c) => {
    const body = parseInput(plantApplyRequestSchema, await bodyOf(c), 'plant apply request');
    const plant = validPlant(body.plant, holder.plant());
    const result = await holder.apply(plant, { author: author(c), reason: body.reason, ...(body.baseVersion ? { baseVersion: body.baseVersion } : {}), ...(body.effectiveFrom !== undefined ? { effectiveAt: body.effectiveFrom } : {}) });
    return c.json(sends<PlantAppliedWire>(applied(result)));
  });

  /** Stored history under the plant running now: previewed, then applied as a logged admin action. */
  const recompute = async (c: Context<ApiEnv>, isApplied: boolean) => {
    const body = parseInput(recomputeRequestSchema, await bodyOf(c), 'recompute request');
    if (isApplied && !body.reason) throw new FloorboardError('invalid-arguments', 'invalid recompute request', { details: ['reason: say why: it is kept with the action'] });
    const lineIds = body.lineIds ?? [...holder.index().lines.keys()];
    const unknown = lineIds.filter((id) => !holder.index().lines.has(id));
    if (unknown.length) throw new FloorboardError('not-found', `unknown lines: ${unknown.join(', ')}`);
    const monitoring = await deps.monitoring?.(lineIds);
    const answer = await recomputeHistory(
      { storage: deps.storage, plant: holder.plant(), plantVersion: holder.version(), now: deps.now(), ...(monitoring ? { monitoring } : {}) },
      { from: body.from, to: body.to, lineIds },
      isApplied ? { author: author(c), reason: body.reason! } : null,
    );
    return c.json(sends<RecomputeAnswerWire>(answer));
  };
  app.post('/admin/recompute/preview', (c) => recompute(c, false));
  app.post('/admin/recompute', (c) => recompute(c, true));
  app.get('/admin/actions', async (c) => c.json(sends<AdminActionsWire>({ actions: await deps.storage.listAdminActions(100) })));

  app.get('/admin/users', (c) => c.json(sends<AdminUsersWire>({ version: holder.version(), users: holder.users().map(userView) })));
  app.post('/admin/users', async (c) => {
    const { user, ...meta } = parseInput(userAddRequestSchema, await bodyOf(c), 'new user');
    if (holder.findUser(user.id)) throw new FloorboardError('conflict', `user "${user.id}" exists already`);
    const withHash = await hashedUser(user);
    return change(c, meta, (users) => [...users, withHash]);
  });
  app.post('/admin/users/:id', async (c) => {
    const { id } = parseInput(userIdParam, c.req.param(), 'path');
    const body = parseInput(userEditRequestSchema, await bodyOf(c), 'user change');
    const edited = await editedUser(existing(id), body);
    return change(c, body, (users) => users.map((u) => (u.id === id ? edited : u)));
  });
  app.post('/admin/users/:id/secret', async (c) => {
    const { id } = parseInput(userIdParam, c.req.param(), 'path');
    const body = parseInput(userSecretRequestSchema, await bodyOf(c), 'new secret');
    const user = existing(id);
    const isPin = user.role === 'operator';
    const checked = (isPin ? secretRules.pin : secretRules.password).safeParse(body.secret);
    if (!checked.success) throw new FloorboardError('invalid-arguments', `invalid ${isPin ? 'PIN' : 'password'}`, { details: [`secret: ${checked.error.issues[0]?.message ?? 'invalid'}`] });
    const hash = await hashSecret(body.secret);
    return change(c, body, (users) => users.map((u) => (u.id !== id ? u : u.role === 'operator' ? { ...u, pinHash: hash } : { ...u, passwordHash: hash })));
  });
  app.post('/admin/users/:id/disabled', async (c) => {
    const { id } = parseInput(userIdParam, c.req.param(), 'path');
    const body = parseInput(userDisabledRequestSchema, await bodyOf(c), 'disable request');
    existing(id);
    if (id === author(c) && body.isDisabled) throw new FloorboardError('forbidden', 'an admin cannot disable themselves: another admin must');
    return change(c, body, (users) =>
      users.map((u) => {
        if (u.id !== id) return u;
        const { disabled: _d, ...rest } = u;
        return (body.isDisabled ? { ...rest, disabled: true } : rest) as User;
      }),
    );
  });
  return app;
}
