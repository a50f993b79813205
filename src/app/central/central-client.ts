import * as z from 'zod/mini';
import { centralBoardSchema, type CentralBoard } from '../../core/central/central-board.ts';
import { loginResultSchema } from '../../core/contracts/auth.ts';

const SESSION_KEY = 'floorboard.central.session';
const sessionSchema = z.object({ token: z.string().check(z.minLength(1)), expiresAt: z.number(), name: z.string() });
export type CentralSession = z.infer<typeof sessionSchema>;

/** The session kept in this tab (parsed: a damaged one is dropped, and the user signs in again). */
export function keptSession(now: number): CentralSession | null {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return null;
  try {
    const s = sessionSchema.safeParse(JSON.parse(raw));
    return s.success && s.data.expiresAt > now ? s.data : null;
  } catch {
    return null;
  }
}

export function forgetSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

export type SignInResult = { ok: true; session: CentralSession } | { ok: false; reason: 'refused' | 'locked' | 'unreachable' };

export async function signIn(userId: string, password: string): Promise<SignInResult> {
  let res: Response;
  try {
    res = await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'password', userId, password, deviceId: `central-${crypto.randomUUID()}` }) });
  } catch {
    return { ok: false, reason: 'unreachable' };
  }
  if (res.status === 429 || res.status === 423) return { ok: false, reason: 'locked' };
  if (!res.ok) return { ok: false, reason: res.status >= 500 ? 'unreachable' : 'refused' };
  const body = loginResultSchema.safeParse(await res.json());
  if (!body.success) return { ok: false, reason: 'unreachable' };
  const session = { token: body.data.token, expiresAt: body.data.expiresAt, name: body.data.user.name };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return { ok: true, session };
}

export type BoardResult = { ok: true; board: CentralBoard } | { ok: false; reason: 'signed-out' | 'unreachable' };

/** The board as the server scoped it for this user; parsed before it is shown. */
export async function fetchBoard(session: CentralSession): Promise<BoardResult> {
  try {
    const res = await fetch('/api/central/board', { headers: { authorization: `Bearer ${session.token}` } });
    if (res.status === 401 || res.status === 403) return { ok: false, reason: 'signed-out' };
    if (!res.ok) return { ok: false, reason: 'unreachable' };
    const parsed = centralBoardSchema.safeParse(await res.json());
    return parsed.success ? { ok: true, board: parsed.data } : { ok: false, reason: 'unreachable' };
  } catch {
    return { ok: false, reason: 'unreachable' };
  }
}
