import { Hono } from 'hono';
import { z } from 'zod';
import { FloorboardError, type User } from '../../core/index.ts';
import type { DevicesWire, DeviceViewWire, RevocationWire } from '../../core/contracts/devices.ts';
import type { DeviceRevocations } from '../auth/device-revocations.ts';
import type { RevokeDevice } from '../auth/device-admin.ts';
import type { DeviceReports } from '../ingest/device-reports.ts';
import type { Device, DeviceClaim, Storage } from '../storage/storage.ts';
import { requireAuth, type ApiDeps, type ApiEnv } from './app-context.ts';
import { sends } from './contract.ts';
import { parseInput } from './http-errors.ts';
import { adminRateLimit } from './admin-rate.ts';

export interface DeviceRouteDeps extends ApiDeps {
  storage: Pick<Storage, 'listDevices' | 'listDeviceClaims'>;
  reports: Pick<DeviceReports, 'get' | 'ids'>;
  revocations: Pick<DeviceRevocations, 'all'>;
  revoke: RevokeDevice;
}

const deviceIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a device id (lower-case letters, digits, "-" or "_")');
const revokeBodySchema = z.object({ reason: z.string().max(500, 'must be at most 500 characters').default('') }).strict();

/**
 * GET /api/devices and POST /api/devices/:deviceId/revoke, for admins only: every device the
 * service knows (stored, claimed, reporting or revoked) with what it last reported, and revocation.
 */
export function deviceRoutes(deps: DeviceRouteDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use('/devices', requireAuth(deps.tokens), adminOnly);
  app.use('/devices/*', requireAuth(deps.tokens), adminOnly);
  // A revocation is an admin change like any other: rate-limited per admin (admin-rate.ts).
  app.use('/devices/*', adminRateLimit(deps.now));
  app.get('/devices', async (c) => {
    const [devices, claims] = await Promise.all([deps.storage.listDevices(), deps.storage.listDeviceClaims()]);
    return c.json(sends<DevicesWire>({ devices: deviceViews(deps, devices, claims) }));
  });
  app.post('/devices/:deviceId/revoke', async (c) => {
    const deviceId = parseInput(deviceIdSchema, c.req.param('deviceId'), 'device id');
    let body: unknown = {};
    const text = await c.req.text();
    try {
      if (text.trim() !== '') body = JSON.parse(text);
    } catch {
      throw new FloorboardError('invalid-arguments', 'body must be JSON: {"reason": "..."} or empty');
    }
    const { reason } = parseInput(revokeBodySchema, body, 'revocation');
    const known = await isKnown(deps, deviceId);
    if (!known) throw new FloorboardError('not-found', `no device "${deviceId}": it never signed in, sent an entry or reported`);
    const r = await deps.revoke(deviceId, c.get('principal').id, reason);
    return c.json(sends<RevocationWire>({ deviceId: r.deviceId, revokedAt: r.revokedAt, revokedBy: r.revokedBy, claimedBy: r.claimedBy, closedSessions: r.closedSessions }));
  });
  return app;
}

const adminOnly = async (c: { get: (k: 'principal') => { role: string } }, next: () => Promise<void>) => {
  if (c.get('principal').role !== 'admin') throw new FloorboardError('forbidden', 'devices are for admins');
  await next();
};

async function isKnown(deps: DeviceRouteDeps, deviceId: string): Promise<boolean> {
  if (deps.reports.get(deviceId) || deps.revocations.all().has(deviceId)) return true;
  const [devices, claims] = await Promise.all([deps.storage.listDevices(), deps.storage.listDeviceClaims()]);
  return devices.some((d) => d.deviceId === deviceId) || claims.some((c) => c.deviceId === deviceId);
}

/** One row per device id any source knows, sorted by id. */
function deviceViews(deps: DeviceRouteDeps, devices: readonly Device[], claims: readonly DeviceClaim[]): DeviceViewWire[] {
  const stored = new Map(devices.map((d) => [d.deviceId, d]));
  const claimOf = new Map(claims.map((c) => [c.deviceId, c]));
  const revoked = deps.revocations.all();
  const users = new Map<string, User>(deps.users().map((u) => [u.id, u]));
  const ids = new Set([...stored.keys(), ...claimOf.keys(), ...deps.reports.ids(), ...revoked.keys()]);
  return [...ids].sort().map((deviceId) => {
    const d = stored.get(deviceId);
    const claim = claimOf.get(deviceId);
    const report = deps.reports.get(deviceId);
    const revocation = revoked.get(deviceId);
    const owner = claim ? users.get(claim.userId) : undefined;
    const kind = owner?.role === 'gateway' ? 'gateway' : owner?.role === 'operator' || report?.report.stationId || deviceId.startsWith('tab-') ? 'tablet' : 'other';
    const stationIds = report?.report.stationId ? [report.report.stationId] : owner?.role === 'gateway' ? [...owner.stations] : [];
    return {
      deviceId,
      kind,
      stationIds,
      claimedBy: claim?.userId ?? null,
      claimedAt: claim?.claimedAt ?? null,
      // Seen: its last stored event or its last report, whichever is newer.
      lastSeenAt: Math.max(d?.lastSeenAt ?? -1, report?.at ?? -1) >= 0 ? Math.max(d?.lastSeenAt ?? -1, report?.at ?? -1) : null,
      clockOffsetMs: d?.clockOffsetMs ?? null,
      isClockFlagged: d?.isClockFlagged ?? false,
      appVersion: report?.report.appVersion ?? null,
      waiting: report?.report.waiting ?? null,
      reportedAt: report?.at ?? null,
      revokedAt: revocation?.revokedAt ?? null,
      revokedBy: revocation?.revokedBy ?? null,
    };
  });
}
