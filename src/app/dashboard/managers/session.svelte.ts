import * as z from 'zod/mini';
import { ulid } from 'ulid';
import { loginResultSchema, type LoginRequest } from '../../services/api-client.ts';

/** A dashboard session: who signed in, their token and MQTT credentials; kept for this browser tab. */
export const dashboardSessionSchema = z.object({
  token: z.string().check(z.minLength(1)),
  expiresAt: z.number().check(z.int()),
  user: loginResultSchema.shape.user,
  deviceId: z.string().check(z.minLength(1)),
  /** Next per-device sequence number for the entries a lead publishes (gap-free from 0). */
  seq: z.number().check(z.int(), z.minimum(0)),
});
export type DashboardSession = z.infer<typeof dashboardSessionSchema>;
export type DashboardRole = 'operator' | 'lead' | 'manager' | 'admin';

const KEY = 'floorboard.dashboard.session';

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
    // Topic-safe and unique per sign-in: the broker's client id and the device of corrections.
    const deviceId = `dash-${ulid().toLowerCase()}`;
    const { api } = await import('../../services/api-client.ts');
    const login = await api.login({ ...request, deviceId } as LoginRequest);
    const session: DashboardSession = { token: login.token, expiresAt: login.expiresAt, user: login.user, deviceId: login.mqtt.clientId || deviceId, seq: 0 };
    this.#save(session);
    return session;
  }

  /** Takes the next sequence numbers for `n` entries and persists the counter before they are sent. */
  takeSeq(n: number): number {
    const s = this.current;
    if (!s) throw new Error('not signed in');
    this.#save({ ...s, seq: s.seq + n });
    return s.seq;
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
