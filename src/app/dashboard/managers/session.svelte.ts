import * as z from 'zod/mini';
import { ulid } from 'ulid';
import { loginResultSchema } from '../../../core/contracts/auth.ts';
import type { LoginRequest } from '../../services/api-client.ts';

/** A dashboard session: who signed in, their token and MQTT credentials; kept for this browser tab. */
export const dashboardSessionSchema = z.object({
  token: z.string().check(z.minLength(1)),
  expiresAt: z.number().check(z.int()),
  user: loginResultSchema.shape.user,
  deviceId: z.string().check(z.minLength(1)),
  /**
   * The broker account the sign-in gave: on the embedded broker the user id and the token, on an
   * external broker with dynamic security a client of its own (`<user>@<device>`, a random password).
   */
  mqtt: z.optional(z.object({ username: z.string().check(z.minLength(1)), password: z.string().check(z.minLength(1)) })),
});
export type DashboardSession = z.infer<typeof dashboardSessionSchema>;
export type DashboardRole = 'operator' | 'lead' | 'manager' | 'admin';

const KEY = 'floorboard.dashboard.session';
/** The tab's device of the last sign-in, kept across sign-outs: its outbox may still hold entries. */
const DEVICE_KEY = 'floorboard.dashboard.device';
const deviceSchema = z.object({ userId: z.string(), deviceId: z.string().check(z.minLength(1)) });

/**
 * Sign-in for the dashboards (leads, managers, admins by password; an operator by badge only to be
 * told the boards are not for them). Kept in sessionStorage so a reload or a TV restart in the
 * same tab keeps working; the token's own expiry ends it.
 */
class DashboardSessionManager {
  current = $state<DashboardSession | null>(null);
  role = $derived((this.current?.user.role ?? null) as DashboardRole | null);

  /** Loads a stored, unexpired session. */
  restore(now: number): void {
    const parsed = dashboardSessionSchema.safeParse(JSON.parse(sessionStorage.getItem(KEY) ?? 'null'));
    this.current = parsed.success && parsed.data.expiresAt > now ? parsed.data : null;
  }

  async signIn(request: Omit<LoginRequest & { kind: 'password' }, 'deviceId'> | Omit<LoginRequest & { kind: 'badge' }, 'deviceId'>): Promise<DashboardSession> {
    // Topic-safe and unique per tab: the broker's client id and the device of a lead's entries. The
    // same user signing in again in this tab (a token ran out) takes the same device, so what its
    // outbox still holds is sent; another user gets a new one (a device belongs to one user).
    const kept = deviceSchema.safeParse(JSON.parse(sessionStorage.getItem(DEVICE_KEY) ?? 'null'));
    const deviceId = kept.success && 'userId' in request && kept.data.userId === request.userId ? kept.data.deviceId : `dash-${ulid().toLowerCase()}`;
    const { api } = await import('../../services/api-client.ts');
    const login = await api.login({ ...request, deviceId } as LoginRequest);
    const session: DashboardSession = { token: login.token, expiresAt: login.expiresAt, user: login.user, deviceId: login.mqtt.clientId || deviceId, mqtt: { username: login.mqtt.username, password: login.mqtt.password } };
    sessionStorage.setItem(DEVICE_KEY, JSON.stringify({ userId: login.user.id, deviceId: session.deviceId }));
    this.#save(session);
    return session;
  }

  signOut(): void {
    sessionStorage.removeItem(KEY);
    this.current = null;
  }

  #save(session: DashboardSession): void {
    sessionStorage.setItem(KEY, JSON.stringify(session));
    this.current = session;
  }
}

export const dashboardSession = new DashboardSessionManager();
